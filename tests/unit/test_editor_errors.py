"""An editor who breaks content gets every problem at once, as `path:line: field: message`,
a non-zero exit code, and no build."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.cli import main
from tests.conftest import FIXTURE_TODAY, ROOT


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_check(content: Path, capsys) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content), "--today", FIXTURE_TODAY.isoformat()])
    return code, capsys.readouterr().err.splitlines()


def test_the_fixture_content_is_valid(content_copy, capsys):
    code, errors = run_check(content_copy, capsys)
    assert (code, errors) == (0, [])


# Each case: file, text to replace, replacement, the exact report line expected.
CASES = {
    "unknown field": ("regulations/jiguan-banfa-2010.md", "category: 机关党建", "category: 机关党建\ncatgory: x",
                      "regulations/jiguan-banfa-2010.md:9: catgory: 未知字段"),
    "impossible date": ("regulations/jiguan-banfa-2010.md", "published: 2010-01-05", "published: 2010-02-30",
                        "regulations/jiguan-banfa-2010.md:6: published: 日期无效"),
    "effective before published": ("policies/rencai-2024.md", "effective: 2024-02-01", "effective: 2024-01-01",
                                   "policies/rencai-2024.md:6: effective: 施行日期不能早于公布日期"),
    "missing required field": ("regulations/xuanju-xize-2026.md", "category: 党的组织建设\n", "",
                               "regulations/xuanju-xize-2026.md:2: category: 缺少必填项"),
    "unknown level": ("regulations/xuanju-xize-2026.md", "level: 细则", "level: 章程",
                      "regulations/xuanju-xize-2026.md:5: level: 取值无效"),
    "unknown unit": ("regulations/xuanju-xize-2026.md", "issuer: 正定县", "issuer: 正定镇",
                     "regulations/xuanju-xize-2026.md:4: issuer: 组织单位“正定镇”不存在"),
    "link to a missing document": ("regulations/jiguan-banfa-2021.md", "repeals: [regulations/jiguan-banfa-2010.md]",
                                   "repeals: [regulations/jiguan-banfa-2009.md]",
                                   "regulations/jiguan-banfa-2021.md:9: repeals: 链接的文件“regulations/jiguan-banfa-2009.md”不存在"),
    "duplicate 文号 in another bracket style": ("regulations/xuanju-xize-2026.md", "doc_number: 正发〔2026〕1号",
                                              "doc_number: 冀发[2015]3号",
                                              "regulations/xuanju-xize-2026.md:3: doc_number: 文号“冀发[2015]3号”与 regulations/zuzhi-gongzuo-2015.md 重复"),
    "survey condition on a later question": ("surveys/manyidu.yaml", "show_if: {question: role, equals: 党员}",
                                             "show_if: {question: years, equals: 3}",
                                             "surveys/manyidu.yaml:26: questions.3.show_if: 条件只能引用前面的题目"),
    "survey condition with an impossible answer": ("surveys/manyidu.yaml", "equals: 党员}", "equals: 干部}",
                                                   "surveys/manyidu.yaml:26: questions.3.show_if: “干部”不是题目“role”的可选答案"),
    "consultation window reversed": ("consultations/xuexi-guize.md", "closes: 2026-01-31", "closes: 2025-12-31",
                                     "consultations/xuexi-guize.md:5: closes: 征求意见截止日期不能早于开始日期"),
    "unit with a missing parent": ("org/units.yaml", 'parent: "130600"', 'parent: "130699"',
                                   'org/units.yaml:25: parent: 上级单位代码“130699”不存在'),
    "broken YAML": ("news/posts/jiceng-2025.md", "categories: [基层动态]", "categories: [基层动态",
                    "news/posts/jiceng-2025.md:4: 元数据: YAML 格式错误"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_problem_is_reported_at_its_line(content_copy, capsys, case):
    path, old, new, expected = case
    edit(content_copy / path, old, new)
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in errors), errors


def test_all_problems_in_all_files_are_reported_in_one_run(content_copy, capsys):
    for path, old, new, _ in CASES.values():
        if path not in ("news/posts/jiceng-2025.md", "org/units.yaml"):  # keep the file parseable
            if old in (content_copy / path).read_text(encoding="utf-8"):  # two cases edit one line
                edit(content_copy / path, old, new)
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    problem_lines = [line for line in errors if ".md:" in line or ".yaml:" in line]
    assert len({line.split(": ")[0] for line in problem_lines}) >= 6
    assert errors[-1].startswith(f"发现 {len(problem_lines)} 个问题")


def test_a_failed_check_builds_nothing_and_keeps_the_previous_site(content_copy, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["build", "--content", str(content_copy), "--out", str(out), "--today", FIXTURE_TODAY.isoformat(),
            "--config", str(ROOT / "mkdocs.yml")]
    assert main(args) == 0
    index = out / "site" / "index.html"
    before = index.read_bytes()
    edit(content_copy / "regulations/jiguan-banfa-2010.md", "published: 2010-01-05", "published: 2010-13-01")
    edit(content_copy / "news/posts/huiyi-2026.md", "title: 省委召开全面从严治党工作会议", "title: 新标题")
    assert main(args) == 1
    assert "regulations/jiguan-banfa-2010.md:6: published" in capsys.readouterr().err
    assert index.read_bytes() == before


def test_a_document_may_not_take_a_reserved_listing_name(content_copy, capsys):
    (content_copy / "regulations/jiguan-banfa-2010.md").rename(content_copy / "regulations/level.md")
    edit(content_copy / "regulations/jiguan-banfa-2021.md", "jiguan-banfa-2010.md", "level.md")
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert any(line.startswith("regulations/level.md:1: 文件名") for line in errors)

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


def write(content: Path, rel: str, text: str) -> None:
    (content / rel).parent.mkdir(parents=True, exist_ok=True)
    (content / rel).write_text(text, encoding="utf-8")


FOUR_PROBLEMS = """---
title: 四个问题的规定
doc_number: 冀发〔2015〕3号
issuer: 不存在的委员会
level: 规定
published: 2026年3月5日
effective: 2026-03-01
category: 党的组织建设
---
第一条　本规定自公布之日起施行。
"""


def test_a_file_with_four_problems_reports_all_four_in_one_run(content_copy, capsys):
    # A date in the wrong format, 施行日期 before 公布日期, a 文号 taken by another file, an unknown unit.
    write(content_copy, "regulations/si-ge-wenti.md", FOUR_PROBLEMS)
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert errors == [
        "regulations/si-ge-wenti.md:3: doc_number: 文号“冀发〔2015〕3号”与 regulations/zuzhi-gongzuo-2015.md 重复",
        "regulations/si-ge-wenti.md:4: issuer: 组织单位“不存在的委员会”不存在（见 org/units.yaml，可写单位代码或名称）",
        "regulations/si-ge-wenti.md:6: published: 日期应写成 YYYY-MM-DD 格式，如 2026-03-05（不要写成“2026年3月5日”）",
        "regulations/si-ge-wenti.md:7: effective: 施行日期不能早于公布日期",
        "发现 4 个问题，未构建任何内容。",
    ]


def test_cross_file_checks_still_run_on_a_file_whose_own_fields_are_wrong(content_copy, capsys):
    text = FOUR_PROBLEMS.replace("2026年3月5日", "2026-02-30").replace("level: 规定", "level: 章程")
    write(content_copy, "regulations/si-ge-wenti.md", text)
    code, errors = run_check(content_copy, capsys)
    assert errors == [
        "regulations/si-ge-wenti.md:3: doc_number: 文号“冀发〔2015〕3号”与 regulations/zuzhi-gongzuo-2015.md 重复",
        "regulations/si-ge-wenti.md:4: issuer: 组织单位“不存在的委员会”不存在（见 org/units.yaml，可写单位代码或名称）",
        "regulations/si-ge-wenti.md:5: level: 取值无效：“章程”，可选：党章、准则、条例、规定、办法、规则、细则、决定、意见、通知",
        "regulations/si-ge-wenti.md:6: published: 日期无效，应为 YYYY-MM-DD 格式的真实日期",
        "发现 4 个问题，未构建任何内容。",
    ]


def test_a_body_is_still_checked_when_its_front_matter_is_not_yaml(content_copy, capsys):
    write(content_copy, "regulations/huai-yaml.md",
          "---\ntitle: 坏的元数据\nissuer：中共河北省委\nlevel: 规定\n---\n第一条　总则。\n\n第三条　见[旧文件](old.md)。\n")
    code, errors = run_check(content_copy, capsys)
    assert errors[:-1] == [
        "regulations/huai-yaml.md:3: 元数据: YAML 格式错误：“issuer”后面用了中文冒号“：”，请改为英文冒号加空格（“issuer: ”）",
        "regulations/huai-yaml.md:8: 正文: 缺少第二条：第一条之后是第三条",
        "regulations/huai-yaml.md:8: 正文: 链接的文件“old.md”不存在（从本文件所在目录算起是 content/regulations/old.md）",
    ]


# Slips editors make, and the Chinese line each one gets: (file, text to replace, replacement, report line).
SLIPS = {
    "full-width colon": (
        "news/posts/huiyi-2026.md", "categories: [要闻]", "summary：会议摘要\ncategories: [要闻]",
        "news/posts/huiyi-2026.md:4: 元数据: YAML 格式错误：“summary”后面用了中文冒号“：”，请改为英文冒号加空格"
        "（“summary: ”）"),
    "front matter of one line with a full-width colon": (
        "news/posts/jiceng-2025.md", "title: 竞秀区开展党员志愿服务活动\ndate: 2025-12-01\ncategories: [基层动态]",
        "title：竞秀区开展党员志愿服务活动",
        "news/posts/jiceng-2025.md:2: 元数据: “title”后面用了中文冒号“：”，请改为英文冒号加空格（“title: ”）"),
    "no space after the colon": (
        "news/posts/huiyi-2026.md", "categories: [要闻]", "categories: [要闻]\nunit:河北省",
        "news/posts/huiyi-2026.md:5: 元数据: YAML 格式错误：“unit:”后面缺少空格，请写成“unit: ”"),
    "a tab": (
        "surveys/manyidu.yaml", "    type: single", "\ttype: single",
        "surveys/manyidu.yaml:9: YAML: YAML 格式错误：含有 Tab 字符：YAML 只能用空格缩进"),
    "an unclosed list": (
        "news/posts/jiceng-2025.md", "categories: [基层动态]", "categories: [基层动态",
        "news/posts/jiceng-2025.md:4: 元数据: YAML 格式错误：方括号列表没有闭合，或列表项之间缺少英文逗号"),
    "an unclosed quote": (
        "news/posts/jiceng-2025.md", "categories: [基层动态]", 'summary: "未闭合\ncategories: [基层动态]',
        "news/posts/jiceng-2025.md:4: 元数据: YAML 格式错误：引号没有闭合"),
    "a colon inside a value": (
        "news/posts/jiceng-2025.md", "categories: [基层动态]", "categories: [基层动态]\nsummary: 会议: 纪要",
        "news/posts/jiceng-2025.md:5: 元数据: YAML 格式错误：此处不能出现“: ”：取值中含有“: ”时请给整个取值加引号；"
        "也请检查上一行的冒号是否为英文冒号"),
    "a title that opens with brackets and goes on": (
        "news/posts/jiceng-2025.md", "title: 竞秀区开展党员志愿服务活动", "title: [通知]竞秀区开展党员志愿服务活动",
        "news/posts/jiceng-2025.md:2: 元数据: YAML 格式错误：取值以“[”开头时，YAML 只读到与它配对的符号为止："
        "请用引号把整个取值括起来，如 title: '[通知]关于……'"),
    "a field written twice": (
        "news/posts/jiceng-2025.md", "categories: [基层动态]", "categories: [基层动态]\ncategories: [要闻]",
        "news/posts/jiceng-2025.md:5: categories: 字段“categories”重复（第 4 行已写过），请只保留一个"),
    "two categories in one with a Chinese comma": (
        "news/posts/jiceng-2025.md", "categories: [基层动态]", "categories: [要闻，基层动态]",
        "news/posts/jiceng-2025.md:4: categories.0: 取值无效：“要闻，基层动态”，可选：要闻、基层动态、通知公告"
        "（多个取值请写成列表，用英文逗号分隔，如 [要闻, 基层动态]）"),
    "a list written as text": (
        "regulations/zuzhi-gongzuo-2015.md", "tags: [基层组织]", "tags: 基层组织",
        "regulations/zuzhi-gongzuo-2015.md:9: tags: 应为列表，如 [基层组织]（用英文方括号，多项之间用英文逗号）"),
    "a title that YAML reads as a list": (
        "news/posts/jiceng-2025.md", "title: 竞秀区开展党员志愿服务活动", "title: [通知]",
        "news/posts/jiceng-2025.md:2: title: 应为文本（这里被读成了列表：以 [ 开头的文字请整体加引号）"),
    "a survey question type by another name": (
        "surveys/manyidu.yaml", "    type: single", "    type: radio",
        "surveys/manyidu.yaml:9: questions.0.type: 取值无效：“radio”，可选：single（单选）、multiple（多选）、"
        "scale（量表）、text（文字）、number（数字）"),
    "a unit level by another name": (
        "org/units.yaml", "level: county", "level: district",
        "org/units.yaml:14: level: 取值无效：“district”，可选：province（省）、city（市）、county（县（市、区））、"
        "town（乡镇（街道））、party_body（党委部门）"),
    "a unit under a unit of the same level": (
        "org/units.yaml", 'parent: "130600"', 'parent: "130123"',
        "org/units.yaml:25: parent: 上级单位的层级（县（市、区））应高于本单位（县（市、区））"),
    "options on a text question": (
        "surveys/manyidu.yaml", "    type: text\n", "    type: text\n    options: [甲, 乙]\n",
        "surveys/manyidu.yaml:23: questions.3: 文字题（text）不能设置 options"),
    "a question id with capitals": (
        "surveys/manyidu.yaml", "id: role", "id: Role",
        "surveys/manyidu.yaml:7: questions.0.id: 应以小写字母开头，只含小写字母、数字和下划线，最多 32 个字符"),
    "a condition value that is neither text nor a number": (
        "surveys/manyidu.yaml", "equals: 党员}", "equals: [党员]}",
        "surveys/manyidu.yaml:26: questions.3.show_if.equals: 应为文本或整数"),
    "an empty category": (
        "regulations/zuzhi-gongzuo-2015.md", "category: 党的组织建设", 'category: ""',
        "regulations/zuzhi-gongzuo-2015.md:8: category: 不能为空"),
}


@pytest.mark.parametrize("case", SLIPS.values(), ids=SLIPS.keys())
def test_a_common_slip_gets_a_chinese_message_with_its_cause(content_copy, capsys, case):
    path, old, new, expected = case
    edit(content_copy / path, old, new)
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert expected in errors, errors


def test_no_message_shows_the_libraries_english_or_internals(content_copy, capsys):
    for path, old, new, _ in SLIPS.values():
        if path not in ("news/posts/jiceng-2025.md", "surveys/manyidu.yaml"):  # keep these files parseable
            text = (content_copy / path).read_text(encoding="utf-8")
            if old in text:
                edit(content_copy / path, old, new)
    edit(content_copy / "surveys/manyidu.yaml", "equals: 党员}", "equals: [党员]}")
    edit(content_copy / "surveys/manyidu.yaml", "max: 5", "max: 5.5")
    code, errors = run_check(content_copy, capsys)
    assert code == 1 and len(errors) > 5
    for line in errors:
        message = line.split(": ", 2)[-1]
        for internal in ("Input should", " or ", "pattern", "constrained", "[str", "int]", "list[", "finite",
                         "Value error", "extra_forbidden", "literal_error", "type="):
            assert internal not in message, line

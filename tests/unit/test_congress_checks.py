"""代表大会 and 调研成果 are checked like every other kind: every problem at once, at its line, in
Chinese; and `portal new congress|research` gives a file that cannot go live until it is filled in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from portal.cli import main
from site_builder.loader import load_content
from site_builder.models import Kind
from tests.conftest import FIXTURE_TODAY
from tests.unit.database_support import write_database_content
from tests.unit.test_editor_errors import edit, run_check


@pytest.fixture
def content(tmp_path) -> Path:
    return write_database_content(tmp_path / "content")


def test_the_congresses_and_research_reports_pass_the_check_with_their_units_and_dates(content, capsys):
    assert run_check(content, capsys) == (0, [])
    loaded = load_content(content, today=FIXTURE_TODAY)
    province, city = loaded.of_kind(Kind.congress)
    assert (province.meta.title, province.unit, province.date) == ("中国共产党河北省第十次代表大会", "130000",
                                                                   dt.date(2026, 4, 20))
    assert (city.unit, city.date) == ("130100", dt.date(2025, 3, 10))
    assert [d.meta.topic for d in loaded.of_kind(Kind.research)] == ["机关党建", "人才工作"]


CONGRESS = "congresses/sheng-shi.md"
RESEARCH = "research/rencai-diaoyan.md"

# Each case: file, text to replace, replacement, the exact report line expected.
CASES = {
    "date written the Chinese way": (CONGRESS, "opens: 2026-04-21", "opens: 2026年4月21日",
                                     f"{CONGRESS}:11: sessions.1.opens: 日期应写成 YYYY-MM-DD 格式，如 2026-04-21"
                                     "（不要写成“2026年4月21日”）"),
    "session ending before it opens": (CONGRESS, "closes: 2026-04-24", "closes: 2026-04-19",
                                       f"{CONGRESS}:12: sessions.1.closes: 会议结束日期不能早于开始日期"),
    "sessions out of order": (CONGRESS, "opens: 2026-04-20\n    closes: 2026-04-20",
                              "opens: 2026-04-25\n    closes: 2026-04-25",
                              f"{CONGRESS}:5: sessions: 会议应按时间先后排列：“大会”早于“预备会议”"),
    "unknown unit": (CONGRESS, "unit: 河北省", "unit: 河北省委员会",
                     f"{CONGRESS}:3: unit: 组织单位“河北省委员会”不存在（见 org/units.yaml，可写单位代码或名称）"),
    "delegates not a number": (CONGRESS, "delegates: 760", "delegates: 七百六十",
                               f"{CONGRESS}:4: delegates: 应为整数"),
    "no session": (CONGRESS, "sessions:\n", "sessions: []\nold_sessions:\n",
                   f"{CONGRESS}:5: sessions: 至少需要 1 项"),
    "document of an unknown type": (CONGRESS, "type: 决议", "type: 公报",
                                    f"{CONGRESS}:15: documents.0.type: 取值无效：“公报”，可选：报告、决议"),
    "document that does not exist": (CONGRESS, "path: news/posts/shengdaihui-jueyi.md", "path: news/posts/jueyi.md",
                                     f"{CONGRESS}:16: documents.0.path: 链接的文件“news/posts/jueyi.md”不存在"
                                     "（写相对 content/ 的路径，如 policies/xxx.md）"),
    "document that is another congress": (CONGRESS, "path: news/posts/shengdaihui-jueyi.md",
                                          "path: congresses/shijiazhuang-shiyi.md",
                                          f"{CONGRESS}:16: documents.0.path: "
                                          "大会文件应链接报告或决议的文件，不能链接另一次代表大会"),
    "research without a topic": (RESEARCH, "topic: 人才工作\n", "", f"{RESEARCH}:2: topic: 缺少必填项"),
    "research linked to news": (RESEARCH, "policies/rencai-2024.md", "news/posts/huiyi-2026.md",
                                f"{RESEARCH}:6: related.0: 相关文件只能是党内法规或政策文件，这里链接的是新闻"),
    "research linked to a missing rule": (RESEARCH, "regulations/zuzhi-gongzuo-2026.md", "regulations/zuzhi-2030.md",
                                          f"{RESEARCH}:6: related.1: 链接的文件“regulations/zuzhi-2030.md”不存在"
                                          "（写相对 content/ 的路径，如 policies/xxx.md）"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_broken_congress_or_research_report_is_reported_at_its_line(content, capsys, case):
    path, old, new, expected = CASES[case]
    edit(content / path, old, new)
    code, errors = run_check(content, capsys)
    assert code == 1
    assert expected in errors, errors


def test_several_problems_in_both_kinds_are_reported_in_one_run(content, capsys):
    edit(content / CONGRESS, "closes: 2026-04-24", "closes: 2026-04-19")
    edit(content / CONGRESS, "path: news/posts/shengdaihui-baogao.md", "path: news/posts/baogao.md")
    edit(content / RESEARCH, "unit: 保定市", "unit: 保定县")
    edit(content / RESEARCH, "date: 2025-08-01", "date: 2025-02-30")
    code, errors = run_check(content, capsys)
    assert code == 1
    assert errors[:-1] == [
        f"{CONGRESS}:12: sessions.1.closes: 会议结束日期不能早于开始日期",
        f"{CONGRESS}:18: documents.1.path: 链接的文件“news/posts/baogao.md”不存在（写相对 content/ 的路径，如 policies/xxx.md）",
        f"{RESEARCH}:3: unit: 组织单位“保定县”不存在（见 org/units.yaml，可写单位代码或名称）",
        f"{RESEARCH}:4: date: 日期无效，应为 YYYY-MM-DD 格式的真实日期",
    ]


def test_a_published_congress_may_not_link_a_draft_resolution(content, capsys):
    edit(content / "news/posts/shengdaihui-jueyi.md", "unit: 河北省\n", "unit: 河北省\ndraft: true\n")
    code, errors = run_check(content, capsys)
    assert code == 1
    assert errors[:-1] == [f"{CONGRESS}:16: documents.0.path: “news/posts/shengdaihui-jueyi.md”是草稿（draft: true），"
                           "不会发布，已发布的文件不能链接它"]


# What an editor writes in place of each placeholder (written out here, not read from the scaffold).
REPLACEMENTS = {"单位": "河北省", "摘要": "大会选举新一届委员会。", "代表人数": "700", "会议名称，如：第一次全体会议": "大会",
                "会议地点": "河北会堂", "大会概况：召开时间、主要议程和选举情况": "大会听取和审议工作报告。",
                "调研主题，如：基层治理": "基层治理", "调研的时间、范围和方法": "走访了十个社区。", "正文": "建议完善制度。"}
UNCHANGED = {
    "congress": ("congresses", ["3: unit", "4: delegates", "6: sessions.0.name", "9: sessions.0.place",
                                "11: summary", "15: 正文"]),
    "research": ("research", ["3: unit", "5: topic", "6: summary", "13: 正文", "17: 正文"]),
}


@pytest.mark.parametrize("kind", UNCHANGED)
def test_a_new_congress_or_research_file_fails_until_its_placeholders_are_replaced(content, capsys, kind):
    folder, expected = UNCHANGED[kind]
    title = "中国共产党正定县第十四次代表大会" if kind == "congress" else "关于社区治理的调研报告"
    assert main(["new", kind, title, "--content", str(content), "--slug", "xin"]) == 0
    capsys.readouterr()
    code, errors = run_check(content, capsys)
    assert code == 1
    assert [line.removeprefix(f"{folder}/xin.md:").split(": ", 2)[0] + ": " + line.split(": ", 2)[1]
            for line in errors[:-1]] == expected, errors
    path = content / folder / "xin.md"
    path.write_text(re.sub(r"【请填写([^】]*)】", lambda m: REPLACEMENTS[m.group(1)],
                           path.read_text(encoding="utf-8")), encoding="utf-8")
    assert run_check(content, capsys) == (0, [])
    doc = load_content(content, today=FIXTURE_TODAY).documents[f"{folder}/xin.md"]
    assert (doc.meta.title, doc.unit) == (title, "130000")

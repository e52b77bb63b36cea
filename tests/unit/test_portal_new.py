"""`portal new KIND 标题` gives an editor a complete file that cannot go live until the editor has
written what only they know (placeholders `【请填写…】` are errors), named by the date in China."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.cli import main
from site_builder import china_time
from site_builder.loader import load_content
from tests.conftest import FIXTURE_TODAY

# What an editor writes in place of each placeholder (written out here, not read from the scaffold).
REPLACEMENTS = {
    "制定机关": "中共河北省委", "效力位阶": "规定", "类别": "党的组织建设", "摘要": "规范新的工作。", "单位": "河北省",
    "第一条的内容": "为了规范工作，制定本规定。", "第二条的内容": "本规定适用于全省。", "正文": "正文内容。",
    "导语：第一段写清时间、地点、事件": "6月1日，省委召开会议。", "调查说明": "请如实填写。",
    "题目，如：您的身份是？": "您的身份是？",
}

# kind → (folder, file suffix, the problems `portal check` reports for the untouched scaffold)
UNCHANGED = {
    "regulation": ("regulations", ".md", ["4: issuer", "5: level", "8: category", "10: summary", "18: 正文", "20: 正文"]),
    "policy": ("policies", ".md", ["4: issuer", "7: category", "9: summary", "17: 正文"]),
    "news": ("news/posts", ".md", ["5: unit", "6: summary", "10: 正文", "12: 正文"]),
    "consultation": ("consultations", ".md", ["3: unit", "6: summary", "14: 正文"]),
    "survey": ("surveys", ".yaml", ["2: unit", "5: description", "8: questions.0.text"]),
}


def check(content, capsys) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content), "--today", FIXTURE_TODAY.isoformat()])
    return code, capsys.readouterr().err.splitlines()[:-1]  # the last line is the count


@pytest.mark.parametrize("kind", UNCHANGED)
def test_an_unchanged_scaffold_fails_the_check_at_each_placeholder_and_passes_once_they_are_replaced(
        content_copy, capsys, kind):
    folder, suffix, expected = UNCHANGED[kind]
    assert main(["new", kind, "关于“新”文件的通知", "--content", str(content_copy), "--slug", "xin-wenjian"]) == 0
    assert "【请填写……】" in capsys.readouterr().out
    path = content_copy / folder / f"xin-wenjian{suffix}"

    code, errors = check(content_copy, capsys)
    assert code == 1
    assert [line.split(": ", 2)[0].removeprefix(f"{folder}/xin-wenjian{suffix}:") + ": " + line.split(": ", 2)[1]
            for line in errors] == expected
    assert all("占位文字“【请填写" in line and "尚未替换" in line for line in errors), errors

    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"【请填写([^】]*)】", lambda m: REPLACEMENTS[m.group(1)], text), encoding="utf-8")
    assert check(content_copy, capsys) == (0, [])
    content = load_content(content_copy, today=FIXTURE_TODAY)
    if kind == "survey":
        assert content.surveys["xin-wenjian"].title == "关于“新”文件的通知"
    else:
        doc = next(d for d in content.documents.values() if d.slug == "xin-wenjian")
        assert doc.meta.title == "关于“新”文件的通知"
        assert set(doc.lines.data) == set(type(doc.meta).model_fields)  # every field is there to fill in


def test_a_file_made_late_in_the_evening_utc_is_named_by_the_next_day_in_china(content_copy, capsys, monkeypatch):
    # 16:30 UTC on 30 June is 00:30 on 1 July in China.
    monkeypatch.setattr(china_time, "_now", lambda: dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.timezone.utc))
    monkeypatch.delenv("PORTAL_TODAY", raising=False)
    assert main(["new", "news", "夜间发布的新闻", "--content", str(content_copy)]) == 0
    created = content_copy / "news/posts/20260701-1.md"
    assert created.is_file(), sorted(p.name for p in (content_copy / "news/posts").iterdir())
    assert "date: 2026-07-01" in created.read_text(encoding="utf-8")


def test_without_a_slug_the_file_name_is_dated_and_never_overwrites(content_copy, capsys):
    assert main(["new", "news", "第一篇", "--content", str(content_copy)]) == 0
    assert main(["new", "news", "第二篇", "--content", str(content_copy)]) == 0
    created = sorted(p.name for p in (content_copy / "news/posts").glob("2*.md"))
    assert len(created) == 2 and created[0].endswith("-1.md") and created[1].endswith("-2.md")


def test_a_bad_slug_or_an_existing_file_is_refused(content_copy, capsys):
    assert main(["new", "policy", "标题", "--content", str(content_copy), "--slug", "中文名"]) == 2
    assert main(["new", "policy", "标题", "--content", str(content_copy), "--slug", "rencai-2024"]) == 2
    assert "已存在" in capsys.readouterr().err

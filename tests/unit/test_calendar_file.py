"""Editors correct the working-day calendar in content/calendar.yaml: mistakes are reported as
`path:line: field: message`, and a valid file reaches the functions through the registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from functions.domain.calendar import WorkingCalendar
from portal.cli import main
from site_builder.loader import load_content
from site_builder.registry import Registry
from tests.conftest import FIXTURE_TODAY, ROOT

VALID = """\
# 工作日日历的补充与更正
entries:
  - date: 2028-04-29
    working: true
    note: 劳动节调休上班
  - date: 2025-10-09
    working: false
    note: 本单位停止办公
"""


def run_check(content: Path, capsys) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content), "--today", FIXTURE_TODAY.isoformat()])
    return code, capsys.readouterr().err.splitlines()


CASES = {
    "the same date twice": (VALID + "  - date: 2025-10-09\n    working: true\n    note: 重复\n",
                            "calendar.yaml:9: entries.2.date: 日期 2025-10-09 重复（第 6 行已录入）"),
    "an impossible date": (VALID.replace("2025-10-09", "2025-02-30"),
                           "calendar.yaml:6: entries.1.date: 日期无效"),
    "working neither true nor false": (VALID.replace("working: false", "working: 放假"),
                                       "calendar.yaml:7: entries.1.working: 应为 true 或 false"),
    "a missing note": (VALID.replace("    note: 本单位停止办公\n", ""),
                       "calendar.yaml:6: entries.1.note: 缺少必填项"),
    "an empty note": (VALID.replace("note: 本单位停止办公", "note: ' '"),
                      "calendar.yaml:8: entries.1.note: 不能为空"),
    "a misspelt field": (VALID.replace("working: true", "workng: true"),
                         "calendar.yaml:4: entries.0.workng: 未知字段"),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_an_editor_sees_each_calendar_mistake_at_its_line(content_copy, capsys, text, expected):
    (content_copy / "calendar.yaml").write_text(text, encoding="utf-8")
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in errors), errors


def test_a_valid_calendar_file_passes_the_check(content_copy, capsys):
    (content_copy / "calendar.yaml").write_text(VALID, encoding="utf-8")
    assert run_check(content_copy, capsys) == (0, [])


def test_the_calendar_file_is_optional(content_copy):
    assert not (content_copy / "calendar.yaml").exists()
    registry = Registry.from_content(load_content(content_copy, today=FIXTURE_TODAY))
    assert registry.calendar == []


def test_the_overrides_reach_the_functions_through_the_registry(content_copy):
    (content_copy / "calendar.yaml").write_text(VALID, encoding="utf-8")
    registry = Registry.from_content(load_content(content_copy, today=FIXTURE_TODAY))
    shipped = Registry.model_validate_json(registry.to_json())  # as the functions read build/registry.json
    assert [e.date for e in shipped.calendar] == [dt.date(2025, 10, 9), dt.date(2028, 4, 29)]
    calendar = WorkingCalendar.from_registry(shipped)
    assert not calendar.is_working_day(dt.date(2025, 10, 9))
    assert calendar.is_working_day(dt.date(2028, 4, 29))
    assert calendar.coverage(2028) == "override"


def test_the_sample_calendar_only_restates_the_official_arrangement():
    # The examples in content/calendar.yaml must not change any deadline.
    sample = load_content(ROOT / "content", today=FIXTURE_TODAY).calendar
    assert sample
    official = WorkingCalendar()
    for entry in sample:
        assert official.is_working_day(entry.date) is entry.working, entry

"""The sample content shows the committees' databases: congresses at province and city level whose
reports and resolutions are published documents, and four research reports linked to existing
regulations and policies; every one says it is sample content."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.loader import load_content
from site_builder.models import Kind, UnitLevel
from tests.conftest import ROOT

WRITTEN_ON = dt.date(2026, 11, 27)  # the day the sample was written (as in test_sample_content)


@pytest.fixture(scope="module")
def sample():
    return load_content(ROOT / "content", today=WRITTEN_ON)


def test_the_sample_has_a_province_and_a_city_congress_each_with_a_report_and_a_resolution(sample):
    congresses = sample.of_kind(Kind.congress)
    assert {sample.org[d.unit].level for d in congresses} >= {UnitLevel.province, UnitLevel.city}
    for doc in congresses:
        assert sorted(item.type for item in doc.meta.documents) == ["决议", "报告"], doc.path
        assert all(item.path in sample.documents for item in doc.meta.documents)


def test_the_sample_has_four_research_reports_each_linked_to_existing_rules(sample):
    reports = sample.of_kind(Kind.research)
    assert len(reports) >= 4
    for doc in reports:
        assert doc.meta.related, doc.path
        assert {sample.documents[p].kind for p in doc.meta.related} <= {Kind.regulation, Kind.policy}


def test_every_sample_congress_and_research_report_is_marked_as_sample_content(sample):
    for doc in sample.of_kind(Kind.congress) + sample.of_kind(Kind.research):
        assert doc.meta.summary.startswith("（示例内容）") and "示例内容" in doc.body, doc.path

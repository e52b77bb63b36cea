"""The sample content in content/ is valid and covers what editors and readers need to see."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.loader import load_content
from site_builder.models import Kind, Validity
from site_builder.pages.listings import consultation_state
from tests.conftest import ROOT

# The sample was written on this day; states are checked as of then so the test does not age.
WRITTEN_ON = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def sample():
    return load_content(ROOT / "content", today=WRITTEN_ON)


def test_the_sample_has_at_least_forty_documents_of_every_kind(sample):
    assert len(sample.documents) >= 40
    for kind in (Kind.regulation, Kind.policy, Kind.news, Kind.consultation):
        assert sample.of_kind(kind), kind
    assert sample.chronicle and sample.surveys


def test_the_sample_shows_every_validity_state(sample):
    states = {d.validity for d in sample.of_kind(Kind.regulation)}
    assert states == set(Validity)


def test_the_sample_has_an_amendment_chain_and_a_repeal(sample):
    regulations = sample.of_kind(Kind.regulation)
    chain = [d for d in regulations if d.amended_by and d.meta.amends]  # amends one, amended by another
    assert chain
    assert any(d.repealed_by for d in regulations)


def test_the_sample_has_an_open_and_a_closed_consultation(sample):
    states = {consultation_state(sample, d) for d in sample.of_kind(Kind.consultation)}
    assert {"征求中", "已结束"} <= states


def test_the_sample_has_a_survey_using_every_question_type_and_a_condition(sample):
    types = {q.type for s in sample.surveys.values() for q in s.questions}
    assert types == {"single", "multiple", "scale", "text", "number"}
    assert any(q.show_if for s in sample.surveys.values() for q in s.questions)

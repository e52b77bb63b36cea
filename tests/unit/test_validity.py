"""时效性 is derived from dates and version links, on both sides of each date."""

import datetime as dt

import pytest

from site_builder.loader import load_content
from site_builder.models import Validity
from site_builder.validity import derive_validity
from tests.conftest import FIXTURE_CONTENT

D = dt.date


@pytest.mark.parametrize("today, expected", [
    (D(2024, 12, 31), Validity.not_yet_effective),
    (D(2025, 1, 1), Validity.effective),
    (D(2025, 5, 31), Validity.effective),
])
def test_a_regulation_takes_effect_on_its_effective_date(today, expected):
    assert derive_validity(D(2025, 1, 1), [], [], today) is expected


@pytest.mark.parametrize("today, expected", [
    (D(2025, 5, 31), Validity.effective),   # the amendment is published but not yet in force
    (D(2025, 6, 1), Validity.amended),
])
def test_an_amendment_counts_once_it_is_in_force(today, expected):
    assert derive_validity(D(2020, 1, 1), [D(2025, 6, 1)], [], today) is expected


@pytest.mark.parametrize("today, expected", [
    (D(2025, 8, 31), Validity.amended),
    (D(2025, 9, 1), Validity.repealed),
])
def test_a_repeal_in_force_outranks_an_amendment(today, expected):
    assert derive_validity(D(2020, 1, 1), [D(2025, 6, 1)], [D(2025, 9, 1)], today) is expected


def _states(today):
    content = load_content(FIXTURE_CONTENT, today=today)
    return {doc.slug: doc.validity for doc in content.documents.values() if doc.validity}


def test_fixture_content_shows_every_state_on_the_build_date():
    states = _states(D(2026, 6, 1))
    assert states["zuzhi-gongzuo-2015"] is Validity.amended
    assert states["zuzhi-gongzuo-2020"] is Validity.effective  # its amendment takes effect 2026-07-01
    assert states["zuzhi-gongzuo-2026"] is Validity.not_yet_effective
    assert states["jiguan-banfa-2010"] is Validity.repealed
    assert states["jiguan-banfa-2021"] is Validity.effective
    assert states["xuanju-xize-2026"] is Validity.not_yet_effective


def test_the_amendment_chain_moves_forward_when_the_new_version_takes_effect():
    before, after = _states(D(2026, 6, 30)), _states(D(2026, 7, 1))
    assert before["zuzhi-gongzuo-2020"] is Validity.effective
    assert after["zuzhi-gongzuo-2020"] is Validity.amended
    assert after["zuzhi-gongzuo-2026"] is Validity.effective

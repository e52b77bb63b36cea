"""时效性 is derived, never typed: from the effective date and from the documents that amend or
repeal this one. A later document only counts once it has itself taken effect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .models import Validity


def derive_validity(effective: dt.date, amended_on: Iterable[dt.date], repealed_on: Iterable[dt.date],
                    today: dt.date) -> Validity:
    """`amended_on`/`repealed_on` are the effective dates of the amending/repealing documents."""
    if any(day <= today for day in repealed_on):
        return Validity.repealed
    if effective > today:
        return Validity.not_yet_effective
    if any(day <= today for day in amended_on):
        return Validity.amended
    return Validity.effective

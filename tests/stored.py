"""What the Store holds for a unit, as tests look at it: every record of a collection listed under the
unit's subtree (by the time it came in; survey answers by survey), read whole."""

from __future__ import annotations

from functions.store.protocol import Record


def stored(ctx, collection: str, unit: str, listing: str = "received") -> list[Record]:
    keys, token = [], None
    while True:
        entries, token = ctx.store.listing(collection, listing, unit, limit=500, after=token)
        keys += [e.key for e in entries]
        if token is None:
            return ctx.store.get_many(collection, keys)


def answers(ctx, survey_id: str, unit: str) -> list[Record]:
    return stored(ctx, "survey_response", unit, f"survey:{survey_id}")


def survey_counts(ctx, survey_id: str, *units: str) -> dict[str, int]:
    """A survey's counters as one dict: the totals, and the breakdown of each unit named."""
    from functions.services.surveys import counters_of

    survey = ctx.registry.surveys[survey_id]
    merged = counters_of(ctx, survey_id, survey)
    for unit in units:
        merged.update(counters_of(ctx, survey_id, survey, unit))
    return merged

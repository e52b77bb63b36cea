"""A portal context over the fixture content on the in-memory Store, with a clock tests can set: what
service tests run against, without HTTP or MkDocs."""

from __future__ import annotations

import datetime as dt

from functions.services.context import PortalContext
from functions.store.memory import MemoryStore
from site_builder.loader import load_content
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY

START = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 China time on the fixture's day


class Clock:
    def __init__(self, now: dt.datetime = START):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set_day(self, day: str, hour: int = 10) -> None:
        # 10:00 China time = 02:00 UTC, safely inside the China date
        self.now = dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(dt.timezone.utc)


def fixture_registry() -> Registry:
    return Registry.from_content(load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY))


def memory_context(registry: Registry | None = None) -> PortalContext:
    """The fixture's registry (or `registry`) on a fresh in-memory Store, at START."""
    registry = registry or fixture_registry()
    return PortalContext(store=MemoryStore(tree=OrgTree(registry.units)), registry=registry, secret_key=b"k" * 32,
                         clock=Clock())

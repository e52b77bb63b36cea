"""PortalContext: what every use case needs, built once per process by functions.config.

Services receive it as their first argument, so a service can be unit-tested with an in-memory
Store (functions.store.memory.MemoryStore), a registry and a clock, without HTTP or MkDocs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from functions.blobs.protocol import BlobStore
from functions.domain import transitions
from functions.domain.calendar import WorkingCalendar
from functions.domain.errors import InvalidSubmission
from functions.domain.time_limits import china_date
from functions.notify.protocol import Notifier
from functions.store.protocol import Store
from site_builder.org import OrgTree
from site_builder.registry import Registry


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class PortalContext:
    store: Store
    registry: Registry
    secret_key: bytes
    blobs: BlobStore | None = None
    clock: Callable[[], dt.datetime] = utc_now
    notifier: Notifier | None = None
    site_url: str = "http://127.0.0.1:8000/"  # where the petitioner's messages point (PORTAL_SITE_URL)
    unit_names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.unit_names = {u.code: u.name for u in self.registry.units}

    @cached_property
    def org(self) -> OrgTree:
        return OrgTree(self.registry.units)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar.from_registry(self.registry)

    def today(self) -> dt.date:
        return china_date(self.clock())

    def require_unit(self, code: str, field_name: str = "unit") -> str:
        if code not in self.unit_names:
            raise InvalidSubmission(f"单位代码“{code}”不存在", field=field_name)
        return code

    def in_scope(self, top: str, unit: str | None) -> bool:
        """Is `unit` the unit `top` or below it (the one scope rule of staff access)?"""
        return unit is not None and unit in self.org and top in self.org and self.org.contains(top, unit)

    def transition_context(self, actor_unit: str | None) -> transitions.Context:
        org = self.org

        def is_descendant(ancestor: str, unit: str) -> bool:
            return unit in org and ancestor != unit and org.contains(ancestor, unit)

        def parent_of(unit: str) -> str | None:
            parent = org[unit].parent if unit in org else None
            return parent if parent is not None and parent in org else None

        now = self.clock()
        return transitions.Context(now=now, today=china_date(now), actor_unit=actor_unit,
                                   is_descendant=is_descendant, parent_of=parent_of,
                                   add_working_days=self.calendar.add_working_days)

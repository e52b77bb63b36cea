"""The case filters each staff member keeps: one Store record per account (`saved_filter`/<user
name>), at most MAX of them, each a name and the query string of a case search. A search by name or
mobile is never kept: its text is the petitioner's personal data."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from functions.domain.access import Permission
from functions.domain.errors import ConflictError, InvalidSubmission
from functions.domain.text import reject_control_characters
from functions.store.protocol import AlreadyExists, AuditEvent, Record, VersionConflict

from .accounts import Staff
from .case_search import PRIVATE, Query
from .context import PortalContext
from .scope import require

COLLECTION = "saved_filter"
MAX = 10
MAX_NAME = 20


def saved(ctx: PortalContext, staff: Staff) -> list[tuple[str, str]]:
    """(name, query string) of the staff member's filters, in the order saved."""
    record = ctx.store.get(COLLECTION, staff.username)
    return [(f["name"], f["query"]) for f in (record.data.get("filters", []) if record else [])]


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > MAX_NAME:
        raise InvalidSubmission(f"筛选条件的名称应为 1 至 {MAX_NAME} 个字", field="name")
    try:
        reject_control_characters(name)
    except ValueError as exc:
        raise InvalidSubmission(f"名称{exc}", field="name") from None
    return name


def _write(ctx: PortalContext, staff: Staff, filters: list[dict[str, Any]], action: str, name: str) -> None:
    record = ctx.store.get(COLLECTION, staff.username)
    audit = AuditEvent(COLLECTION, staff.username, ctx.clock(), actor=staff.username, action=action,
                       unit=staff.unit, after={"name": name})
    new = Record(COLLECTION, staff.username, {"filters": filters}, record.created_at if record else ctx.clock(),
                 unit=staff.unit, version=record.version if record else 1)
    try:
        if record is None:
            ctx.store.insert(new, audit=audit)
        else:
            ctx.store.update(new, expected_version=record.version, audit=audit)
    except (AlreadyExists, VersionConflict):
        raise ConflictError("筛选条件刚被另一个窗口修改，请刷新页面后重试") from None


def save(ctx: PortalContext, staff: Staff, name: str, query: Query) -> str:
    """Keep `query` under `name` (a name used already is replaced); the name as kept."""
    require(staff, Permission.view_cases)
    name = _name(name)
    if query.text and query.by in PRIVATE:
        raise InvalidSubmission("按姓名或手机号码查找的条件含有个人信息，不能保存", field="q")
    filters = [{"name": n, "query": q} for n, q in saved(ctx, staff) if n != name]
    if len(filters) >= MAX:
        raise InvalidSubmission(f"最多保存 {MAX} 个筛选条件，请先删除不用的", field="name")
    filters.append({"name": name, "query": urlencode(query.params())})
    _write(ctx, staff, filters, "saved_filter", name)
    return name


def delete(ctx: PortalContext, staff: Staff, name: str) -> None:
    require(staff, Permission.view_cases)
    kept = saved(ctx, staff)
    if name not in {n for n, _ in kept}:
        raise InvalidSubmission("没有这个筛选条件", field="name")
    _write(ctx, staff, [{"name": n, "query": q} for n, q in kept if n != name], "deleted_filter", name)


def params_of(query_string: str) -> dict[str, str]:
    return dict(parse_qsl(query_string))

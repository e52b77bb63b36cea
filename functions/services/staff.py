"""Staff management for 管理员: the accounts of their subtree; add, disable, reset a password.
Passwords are generated here and shown once; the account functions (accounts.py) do the writing."""

from __future__ import annotations

from functions.domain.access import STAFF_ROLES, Permission, Role
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError

from . import accounts
from .accounts import Staff
from .context import PortalContext
from .scope import Reading, page, require

PAGE = 100


def staff_in_scope(ctx: PortalContext, admin: Staff, after: str | None = None) -> tuple[list[Staff], str | None]:
    """A page of the accounts of the admin's subtree, by user name, and the next page's token."""
    require(admin, Permission.manage_staff)
    entries, token = page(ctx, [Reading(accounts.STAFF, accounts.ACCOUNTS, admin.unit)], PAGE, after)
    return [accounts.staff_of(e.summary, e.unit) for e in entries], token


def add(ctx: PortalContext, admin: Staff, username: str, name: str, unit: str, role: str,
        email: str | None = None) -> tuple[Staff, str]:
    """The new account and its one-time password."""
    require(admin, Permission.manage_staff)
    if not ctx.in_scope(admin.unit, unit) or role not in {r.value for r in STAFF_ROLES}:
        raise InvalidSubmission("单位或角色无效")
    password = accounts.new_password()
    added = accounts.add_staff(ctx.store, username, name.strip() or "未填写", unit, Role(role), password,
                               admin.username, ctx.clock(), email=email)
    return added, password


def _target(ctx: PortalContext, admin: Staff, username: str) -> Staff:
    require(admin, Permission.manage_staff)
    target = accounts.get_staff(ctx.store, username)
    if target is None or not ctx.in_scope(admin.unit, target.unit):
        raise NotFoundError("没有这个页面")
    if target.username == admin.username:
        raise ConflictError("不能停用或重置自己的账号，请由其他管理员操作")
    return target


def disable(ctx: PortalContext, admin: Staff, username: str) -> Staff:
    target = _target(ctx, admin, username)
    return accounts.disable_staff(ctx.store, target.username, admin.username, ctx.clock())


def reset(ctx: PortalContext, admin: Staff, username: str) -> tuple[Staff, str]:
    target = _target(ctx, admin, username)
    password = accounts.new_password()
    return accounts.reset_password(ctx.store, target.username, password, admin.username, ctx.clock()), password

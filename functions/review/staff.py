"""Staff management pages for 管理员: the accounts of their subtree, add, disable, reset."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import STAFF_ROLES, Permission
from ..domain.errors import DomainError
from ..http import message_of, status_of
from ..services import staff as service
from . import web

router = Router()


def staff_page(message: str | None = None, password: tuple[str, str] | None = None, status: int = 200) -> Response:
    session = web.current_session(router.current_event)
    ctx = web.ctx()
    members, next_token = service.staff_in_scope(ctx, session.staff, web.params(router.current_event).get("after"))
    return web.page("staff.html", session, status=status, title="人员管理", active="/review/staff", members=members,
                    next_token=next_token,
                    units=[(c, ctx.org[c].name) for c in ctx.org.subtree(session.staff.unit)], roles=list(STAFF_ROLES),
                    unit_names=ctx.unit_names, message=message, password=password,
                    message_kind="ok" if password else "error")


@router.get("/review/staff", include_in_schema=False)
def staff_list():
    return staff_page()


@router.post("/review/staff", include_in_schema=False)
def staff_add():
    session, data = web.posted_by(router.current_event, Permission.manage_staff)
    try:
        added, password = service.add(web.ctx(), session.staff, data.get("username", ""), data.get("name", ""),
                                      data.get("unit", ""), data.get("role", ""), data.get("email"))
    except DomainError as exc:
        return staff_page(message=message_of(exc), status=status_of(exc).value)
    return staff_page(password=(added.username, password), message=f"已添加 {added.username}，请把初始密码当面告知本人")


@router.post("/review/staff/<username>/<operation>", include_in_schema=False)
def staff_change(username: str, operation: str):
    session, _ = web.posted_by(router.current_event, Permission.manage_staff)
    ctx = web.ctx()
    try:
        if operation == "disable":
            service.disable(ctx, session.staff, username)
            return staff_page(message=f"已停用 {username}，其登录已全部失效")
        if operation == "reset":
            _, password = service.reset(ctx, session.staff, username)
            return staff_page(password=(username, password), message=f"已重置 {username} 的密码，原有登录已全部失效")
    except DomainError as exc:
        if status_of(exc).value == 404:
            raise
        return staff_page(message=message_of(exc), status=status_of(exc).value)
    raise web.Forbidden()

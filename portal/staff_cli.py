"""`portal staff …` and `portal consultation report …`: operator commands on the local Store (or
the table named by PORTAL_STORE). Passwords are generated and printed once, never typed in argv."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from functions.domain.access import STAFF_ROLES, Role
from functions.domain.errors import DomainError

BOOTSTRAP_ADMIN = "admin"


def _accounts():
    from functions.services import accounts  # argon2 and the store only for staff commands

    return accounts


def _org():
    from site_builder.org import OrgTree
    from site_builder.registry import Registry

    return OrgTree(Registry.load(Path(os.environ.get("PORTAL_BUILD_DIR", "build"))).units)


def _store(org=None):
    """The Store of PORTAL_STORE, keeping unit paths from the built registry (run `portal build` first)."""
    from functions.config import make_store

    return make_store(os.environ.get("PORTAL_STORE", "sqlite:///var/portal.db"), org or _org())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def add_parsers(sub) -> None:
    staff = sub.add_parser("staff", help="管理工作人员账号").add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="添加账号（生成初始密码并显示一次）")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--unit", required=True, help="单位代码，见 content/org/units.yaml")
    add.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES],
                     help="handler 办理员 / approver 审核员 / auditor 审计员 / admin 管理员")
    add.add_argument("--email", help="电子邮箱（选填）：每日信访事项期限提醒发到这里")
    for name, text in (("disable", "停用账号（立即结束其全部登录）"), ("reset-password", "重置密码（生成新密码并显示一次）")):
        staff.add_parser(name, help=text).add_argument("username")
    staff.add_parser("list", help="列出账号").add_argument("--unit", default=None)
    notify = sub.add_parser("notify", help="通知发件箱").add_subparsers(dest="notify_command", required=True)
    notify.add_parser("deliver", help="发送发件箱中到期的通知（本机运行时 portal serve 会自动发送）")
    notify.add_parser("digest", help="生成今天给办理员、审核员的期限提醒邮件并发送")
    report = sub.add_parser("consultation", help="征求意见").add_subparsers(dest="consultation_command", required=True)
    rep = report.add_parser("report", help="把意见采纳情况写成 Markdown 报告，放入 content/reports/ 供编辑审阅")
    rep.add_argument("consultation_id")
    rep.add_argument("--content", type=Path, default=Path("content"))
    rep.add_argument("--build", type=Path, default=Path("build"))


def run(args) -> int:
    try:
        if args.command == "consultation":
            return _report(args)
        if args.command == "notify":
            return _notify(args)
        return {"add": _add, "disable": _disable, "reset-password": _reset, "list": _list}[args.staff_command](args)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


def _add(args) -> int:
    password = _accounts().new_password()
    staff = _accounts().add_staff(_store(), args.username, args.name, args.unit, Role(args.role), password, "cli", _now(),
                                  email=args.email)
    print(f"已添加 {staff.username}（{staff.role.label}，单位 {staff.unit}）。初始密码（只显示这一次）：{password}")
    return 0


def _disable(args) -> int:
    _accounts().disable_staff(_store(), args.username, "cli", _now())
    print(f"已停用 {args.username}，其登录已全部失效。")
    return 0


def _reset(args) -> int:
    password = _accounts().new_password()
    _accounts().reset_password(_store(), args.username, password, "cli", _now())
    print(f"已重置 {args.username} 的密码（只显示这一次）：{password}")
    return 0


def _list(args) -> int:
    org, store, accounts = _org(), _store(), _accounts()
    for top in [args.unit] if args.unit else org.roots:
        token = None
        while True:
            entries, token = store.listing(accounts.STAFF, accounts.ACCOUNTS, top, limit=500, after=token)
            for entry in entries:
                staff = accounts.staff_of(entry.summary, entry.unit)
                name = org[staff.unit].name if staff.unit in org else staff.unit
                print(f"{staff.username}\t{staff.name}\t{name}\t{staff.role.label}\t{'已停用' if staff.disabled else '正常'}")
            if token is None:
                break
    return 0


def bootstrap_admin(root_unit: str, org=None) -> None:
    """On a fresh store, create the first 管理员 for the province and print its password once."""
    store = _store(org)
    if store.counters("staff").get("accounts", 0) > 0:
        return
    password = _accounts().new_password()
    _accounts().add_staff(store, BOOTSTRAP_ADMIN, "系统管理员", root_unit, Role.admin, password, "bootstrap", _now())
    print("=" * 60)
    print(f"已创建第一个管理员账号：{BOOTSTRAP_ADMIN}（单位 {root_unit}）")
    print(f"初始密码（只显示这一次，请立即保存）：{password}")
    print("登录地址：/review/login ；登录后在“人员管理”中为各单位添加账号。")
    print("=" * 60, flush=True)


def _notify(args) -> int:
    from functions import config
    from functions.services import notifications

    ctx = config.context()
    queued = notifications.daily_digest(ctx) if args.notify_command == "digest" else 0
    handled = notifications.deliver_due(ctx)
    print(f"已生成期限提醒 {queued} 封，已处理通知 {handled} 条。")
    return 0


def _report(args) -> int:
    from functions.reports.adoption_report import adoption_report
    from functions.services.submissions import COMMENT
    from site_builder.chinatime import china_date
    from site_builder.registry import Registry

    registry = Registry.load(args.build)
    window = registry.consultations.get(args.consultation_id)
    if window is None:
        print(f"错误：没有征求意见稿“{args.consultation_id}”（先运行 portal build）", file=sys.stderr)
        return 2
    from functions.services.submissions import consultation_listing

    store, comments, token = _store(), [], None
    while True:
        entries, token = store.listing(COMMENT, consultation_listing(window.id), window.unit, limit=500, after=token)
        comments += [dict(e.summary) for e in entries]
        if token is None:
            break
    target = args.content / "reports" / f"{window.id}-adoption.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    # "截至" is the China date: a report written at 01:00 in Beijing is the new day's.
    target.write_text(adoption_report(window, comments, china_date(_now())), encoding="utf-8")
    print(f"已写入 {target}（{len(comments)} 条意见），请编辑审阅后提交。")
    return 0

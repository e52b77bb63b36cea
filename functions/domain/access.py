"""Who may see and do what in the review workspace: one table, one scope rule.

Scope: a staff member sees items whose unit is their own unit or lies below it. A parent sees its
children; siblings never see each other. Case actions are further limited by the state machine
(functions/domain/transitions.py) to the unit handling the case.
"""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    """Who acts on a case. Staff hold one of the first four roles; `public` is the petitioner, who
    proves who they are with the query code and never logs in."""

    handler = "handler"    # 办理员: works the cases of their unit
    approver = "approver"  # 审核员: also accepts, assigns, approves extensions and closes
    auditor = "auditor"    # 审计员: reads everything in scope and the audit log, changes nothing
    admin = "admin"        # 管理员: manages the staff of their subtree
    public = "public"      # 信访人: rates a reply, asks for 复查 and 复核

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.handler: "办理员", Role.approver: "审核员", Role.auditor: "审计员", Role.admin: "管理员",
               Role.public: "信访人"}
STAFF_ROLES: tuple[Role, ...] = (Role.handler, Role.approver, Role.auditor, Role.admin)


class Permission(str, enum.Enum):
    view_cases = "view_cases"        # queues, case pages, dashboard
    act_on_cases = "act_on_cases"    # transitions, notes, edit lock
    reveal_contact = "reveal_contact"  # unmask the petitioner's contact data (audited)
    handle_opinions = "handle_opinions"  # feedback and consultation comments: 采纳 / 不予采纳
    view_opinions = "view_opinions"
    view_surveys = "view_surveys"
    export = "export"                # CSV exports (audited)
    read_audit_log = "read_audit_log"
    manage_staff = "manage_staff"
    view_decision_support = "view_decision_support"  # 决策参考: figures over the subtree, for leaders


H, A, AU, AD = Role.handler, Role.approver, Role.auditor, Role.admin
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.view_cases: frozenset({H, A, AU}),
    Permission.act_on_cases: frozenset({H, A}),
    Permission.reveal_contact: frozenset({H, A, AU}),
    Permission.handle_opinions: frozenset({H, A}),
    Permission.view_opinions: frozenset({H, A, AU}),
    Permission.view_surveys: frozenset({H, A, AU}),
    Permission.export: frozenset({A, AU}),
    Permission.read_audit_log: frozenset({AU}),
    Permission.manage_staff: frozenset({AD}),
    Permission.view_decision_support: frozenset({A, AU}),
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in PERMISSIONS[permission]


def needed_roles(permission: Permission) -> str:
    """The roles that hold a permission, as staff read them: 办理员、审核员或审计员."""
    labels = [role.label for role in STAFF_ROLES if role in PERMISSIONS[permission]]
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "或" + labels[-1]


def denied_message(role: Role, permission: Permission) -> str:
    return f"这部分工作需要{needed_roles(permission)}角色，您的角色是{role.label}。如需办理，请联系本单位管理员调整角色。"

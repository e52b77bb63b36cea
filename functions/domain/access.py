"""Who may see and do what in the review workspace: one table, one scope rule.

Scope: a staff member sees items whose unit is their own unit or lies below it. A parent sees its
children; siblings never see each other. Case actions are further limited by the state machine
(functions/domain/cases.py) to the unit handling the case.
"""

from __future__ import annotations

import enum

from .cases import Role


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
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in PERMISSIONS[permission]

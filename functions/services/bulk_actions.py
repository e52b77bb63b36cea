"""受理 and 交办 for several cases at once. There is no second road: each case goes through
`casework.act` on its own — its own transition, its own Store.update with its audit event and the
version the queue showed — so one case that changed meanwhile (or that another unit now handles)
is reported as a conflict and the others still go through."""

from __future__ import annotations

from dataclasses import dataclass

from functions.domain.access import Permission
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.transitions import TRANSITIONS, ActionInput

from . import casework
from .accounts import Staff
from .context import PortalContext
from .scope import require

ACTIONS = ("accept", "assign")
MAX_CASES = 40  # one form holds the picks and a few fields; the form reader takes 50 fields


@dataclass(frozen=True)
class Outcome:
    reference: str
    done: bool
    message: str


@dataclass(frozen=True)
class BulkResult:
    action: str
    outcomes: list[Outcome]

    @property
    def succeeded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]

    @property
    def summary(self) -> str:
        label = TRANSITIONS[self.action].label if self.action != "assign" else "交办"
        text = f"{label}：{len(self.succeeded)} 件成功"
        return text + (f"，{len(self.failed)} 件未能办理（见下表）" if self.failed else "")


def picks_of(values: list[str]) -> list[tuple[str, int]]:
    """(reference, version) from the form's pick values "REFERENCE@VERSION", each once."""
    picks: dict[str, int] = {}
    for value in values:
        reference, _, version = value.partition("@")
        if not reference or not (version.isascii() and version.isdigit() and len(version) <= 12):
            raise InvalidSubmission("表单内容有误，请刷新页面后重试")
        picks.setdefault(reference, int(version))
    if not picks:
        raise InvalidSubmission("请至少勾选一件信访事项", field="pick")
    if len(picks) > MAX_CASES:
        raise InvalidSubmission(f"一次最多办理 {MAX_CASES} 件，请分批勾选", field="pick")
    return list(picks.items())


def act_on_many(ctx: PortalContext, staff: Staff, action: str, picks: list[tuple[str, int]],
                target_unit: str | None = None) -> BulkResult:
    """Each picked case its own `casework.act`, in the order picked; the outcome of each."""
    require(staff, Permission.act_on_cases)
    if action not in ACTIONS:
        raise InvalidSubmission("批量办理只能受理或交办", field="action")
    if action == "assign" and not (target_unit is not None and target_unit in ctx.org and target_unit != staff.unit
                                   and ctx.org.contains(staff.unit, target_unit)):
        raise InvalidSubmission("请选择交办单位（本单位的下级单位）", field="target_unit")
    data = ActionInput(target_unit=target_unit if action == "assign" else None)
    outcomes = []
    for reference, version in picks:
        try:
            saved = casework.act(ctx, staff, reference, action, version, data)
        except ConflictError as exc:
            outcomes.append(Outcome(reference, False, exc.message))
        except NotFoundError:
            outcomes.append(Outcome(reference, False, "没有这个信访事项，或不在您的工作范围内"))
        except InvalidSubmission as exc:
            outcomes.append(Outcome(reference, False, exc.message))
        else:
            where = ctx.unit_names.get(saved.case.handling_unit, saved.case.handling_unit)
            outcomes.append(Outcome(reference, True, "已受理" if action == "accept" else f"已交办至{where}"))
    return BulkResult(action, outcomes)

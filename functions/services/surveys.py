"""Survey results for staff: the surveys run by their unit, by a unit above it or below it, and each
one's results, read from the counters kept at submission time (no response is scanned): the survey's
own scope for the totals, one scope per question, and the same per respondents' unit. Results roll up
the tree: the answers of a unit's subtree are the sum of its responding units' counters, so a city
sees its counties' and towns' answers together, and staff of a unit below the one running a survey
see only their subtree's answers."""

from __future__ import annotations

from dataclasses import dataclass

from functions.domain.access import Permission
from functions.domain.errors import NotFoundError
from functions.domain.surveys import RESPONSES, counter_scope, question_scope, result_scopes
from functions.reports.survey_results import SurveyResults, bar_chart_svg, results, units_with_responses
from site_builder.models import Survey

from .accounts import Staff
from .context import PortalContext
from .scope import require


def surveys_in_scope(ctx: PortalContext, staff: Staff) -> dict[str, Survey]:
    """Run by the staff member's unit or below it (all answers), or by a unit above it (the answers
    of the staff member's subtree)."""
    return {sid: s for sid, s in ctx.registry.surveys.items()
            if ctx.in_scope(staff.unit, s.unit) or ctx.in_scope(s.unit, staff.unit)}


def sees_everything(ctx: PortalContext, staff: Staff, survey: Survey) -> bool:
    """Whether the staff member sees every answer of the survey, not only their subtree's."""
    return ctx.in_scope(staff.unit, survey.unit)


def survey_in_scope(ctx: PortalContext, staff: Staff, survey_id: str) -> Survey:
    """The survey if the staff member's scope covers it; otherwise the same 404 as a missing one."""
    found = surveys_in_scope(ctx, staff).get(survey_id)
    if found is None:
        raise NotFoundError("没有这个页面")
    return found


def overview(ctx: PortalContext, staff: Staff) -> list[tuple[str, Survey, int]]:
    """Each survey in scope with the responses the staff member can see (all, or their subtree's)."""
    require(staff, Permission.view_surveys)
    rows = []
    for sid, s in surveys_in_scope(ctx, staff).items():
        totals = ctx.store.counters(counter_scope(sid))
        seen = totals.get(RESPONSES, 0) if sees_everything(ctx, staff, s) else sum(
            n for unit, n in units_with_responses(totals).items() if ctx.in_scope(staff.unit, unit))
        rows.append((sid, s, seen))
    return rows


@dataclass(frozen=True)
class SurveyView:
    survey: Survey
    result: SurveyResults
    charts: dict[str, str]
    unit: str | None                   # the subtree shown (None: every answer)
    units: list[tuple[str, str, int]]  # (code, name, responses) of the next level, each with its subtree
    unit_name: str | None = None


def counters_of(ctx: PortalContext, survey_id: str, survey: Survey, unit: str | None = None) -> dict[str, int]:
    """All counters the results are made of (of one respondents' unit, if given), merged."""
    merged: dict[str, int] = {}
    for scope in result_scopes(survey_id, survey, unit):
        merged.update(ctx.store.counters(scope))
    return merged


def subtree_counters(ctx: PortalContext, survey_id: str, survey: Survey, top: str,
                     responding: dict[str, int]) -> dict[str, int]:
    """The counters of the respondents who named `top` or a unit below it, summed, under the prefix
    `top|` (what `results(…, top)` reads). One read per responding unit of the subtree and question."""
    merged: dict[str, int] = {f"{top}|{RESPONSES}": 0}
    for unit, n in responding.items():
        if not ctx.in_scope(top, unit):
            continue
        merged[f"{top}|{RESPONSES}"] += n
        for question in survey.questions:
            for name, value in ctx.store.counters(question_scope(survey_id, question.id, unit)).items():
                if name.startswith(f"{unit}|"):
                    key = f"{top}|{name[len(unit) + 1:]}"
                    merged[key] = merged.get(key, 0) + value
    return merged


def survey_view(ctx: PortalContext, staff: Staff, survey_id: str, unit: str | None) -> SurveyView:
    """All answers, or (`unit`, or staff below the survey's unit) those of one unit's subtree."""
    require(staff, Permission.view_surveys)
    found = survey_in_scope(ctx, staff, survey_id)
    everything = sees_everything(ctx, staff, found)
    responding = units_with_responses(ctx.store.counters(counter_scope(survey_id)))
    visible = {code: n for code, n in responding.items() if everything or ctx.in_scope(staff.unit, code)}
    if unit is not None and not (unit in ctx.org and (everything or ctx.in_scope(staff.unit, unit))):
        unit = None
    top = unit if unit is not None else (None if everything else staff.unit)
    if top is None:
        result = results(found, counters_of(ctx, survey_id, found), None)
    else:
        result = results(found, subtree_counters(ctx, survey_id, found, top, responding), top)
    charts = {q.id: bar_chart_svg(q) for q in result.questions if q.options}
    names = [(code, ctx.unit_names.get(code, code), n) for code, n in _by_child(ctx, top or found.unit, visible).items()]
    return SurveyView(found, result, charts, top, names, ctx.unit_names.get(top, top) if top else None)


def _by_child(ctx: PortalContext, top: str, responding: dict[str, int]) -> dict[str, int]:
    """Responses per child of `top` (with everything below it) and of `top` itself: the next level
    to drill into."""
    out: dict[str, int] = {}
    for unit, n in responding.items():
        if not ctx.in_scope(top, unit):
            continue
        child = next((c for c in ctx.org.children(top) if ctx.in_scope(c, unit)), top)
        out[child] = out.get(child, 0) + n
    return dict(sorted(out.items()))

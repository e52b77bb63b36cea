"""Survey results for staff: the surveys run in their scope and each one's results, read from the
counters kept at submission time (no response is scanned): the survey's own scope for the totals,
one scope per question (and per question under one respondents' unit when a unit is chosen)."""

from __future__ import annotations

from dataclasses import dataclass

from functions.domain.access import Permission
from functions.domain.errors import NotFoundError
from functions.domain.surveys import RESPONSES, counter_scope, result_scopes
from functions.reports.survey_results import SurveyResults, bar_chart_svg, results, units_with_responses
from site_builder.models import Survey

from .accounts import Staff
from .context import PortalContext
from .scope import require


def surveys_in_scope(ctx: PortalContext, staff: Staff) -> dict[str, Survey]:
    return {sid: s for sid, s in ctx.registry.surveys.items() if ctx.in_scope(staff.unit, s.unit)}


def survey_in_scope(ctx: PortalContext, staff: Staff, survey_id: str) -> Survey:
    """The survey if the staff member's scope covers it; otherwise the same 404 as a missing one."""
    found = surveys_in_scope(ctx, staff).get(survey_id)
    if found is None:
        raise NotFoundError("没有这个页面")
    return found


def overview(ctx: PortalContext, staff: Staff) -> list[tuple[str, Survey, int]]:
    require(staff, Permission.view_surveys)
    return [(sid, s, ctx.store.counters(counter_scope(sid)).get(RESPONSES, 0))
            for sid, s in surveys_in_scope(ctx, staff).items()]


@dataclass(frozen=True)
class SurveyView:
    survey: Survey
    result: SurveyResults
    charts: dict[str, str]
    unit: str | None
    units: list[tuple[str, str, int]]  # (code, name, responses) of the respondents' units


def counters_of(ctx: PortalContext, survey_id: str, survey: Survey, unit: str | None = None) -> dict[str, int]:
    """All counters the results are made of (of one respondents' unit, if given), merged."""
    merged: dict[str, int] = {}
    for scope in result_scopes(survey_id, survey, unit):
        merged.update(ctx.store.counters(scope))
    return merged


def survey_view(ctx: PortalContext, staff: Staff, survey_id: str, unit: str | None) -> SurveyView:
    require(staff, Permission.view_surveys)
    found = survey_in_scope(ctx, staff, survey_id)
    units = units_with_responses(ctx.store.counters(counter_scope(survey_id)))
    unit = unit if unit in units else None
    result = results(found, counters_of(ctx, survey_id, found, unit), unit)
    charts = {q.id: bar_chart_svg(q) for q in result.questions if q.options}
    names = [(code, ctx.unit_names.get(code, code), n) for code, n in units.items()]
    return SurveyView(found, result, charts, unit, names)

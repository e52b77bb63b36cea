"""Survey results for staff: the surveys in scope, and one survey's results with charts."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..services import surveys as service
from . import web

router = Router()


@router.get("/review/surveys", include_in_schema=False)
def surveys():
    session = web.current_session(router.current_event)
    return web.page("surveys.html", session, title="网络调查", active="/review/surveys",
                    rows=service.overview(web.ctx(), session.staff))


@router.get("/review/surveys/<survey_id>", include_in_schema=False)
def survey(survey_id: str):
    session = web.current_session(router.current_event)
    view = service.survey_view(web.ctx(), session.staff, survey_id, web.params(router.current_event).get("unit"))
    return web.page("survey.html", session, title=view.survey.title, active="/review/surveys", survey_id=survey_id,
                    result=view.result, charts=view.charts, unit=view.unit, units=view.units, shown_name=view.unit_name,
                    request_unit=web.params(router.current_event).get("unit"),
                    can_export=allowed(session.staff.role, Permission.export))

"""CSV downloads for staff (every one audited by the export service)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..reports.csv import content_disposition, to_csv
from ..services import exports
from . import web
from .cases import queue_filters

router = Router()


def _csv(export: exports.Export) -> Response:
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=to_csv(export.headers, export.rows),
                    headers={**web.SECURITY_HEADERS, "Content-Disposition": content_disposition(export.filename)})


@router.get("/review/export/cases.csv", include_in_schema=False)
def export_cases():
    session = web.current_session(router.current_event)
    view, unit, stage = queue_filters(session)
    return _csv(exports.export_cases(web.ctx(), session.staff, view, unit, stage))


@router.get("/review/export/comments.csv", include_in_schema=False)
def export_comments():
    session = web.current_session(router.current_event)
    consultation = web.params(router.current_event).get("consultation")
    return _csv(exports.export_comments(web.ctx(), session.staff, consultation))


@router.get("/review/export/feedback.csv", include_in_schema=False)
def export_feedback():
    session = web.current_session(router.current_event)
    return _csv(exports.export_feedback(web.ctx(), session.staff))


@router.get("/review/export/surveys/<survey_id>.csv", include_in_schema=False)
def export_survey(survey_id: str):
    session = web.current_session(router.current_event)
    return _csv(exports.export_survey(web.ctx(), session.staff, survey_id))

"""CSV downloads for staff: the export service writes the file to the BlobStore (every one audited) and
the answer is a 303 to a short-lived link to it, so no export passes through the function's response."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..services import exports
from . import web
from .cases import queue_filters

router = Router()


def _to(link: exports.ExportLink) -> Response:
    return web.see_other(link.url)


@router.get("/review/export/cases.csv", include_in_schema=False)
def export_cases():
    session = web.current_session(router.current_event)
    view, unit, stage = queue_filters(session)
    return _to(exports.export_cases(web.ctx(), session.staff, view, unit, stage))


@router.get("/review/export/comments.csv", include_in_schema=False)
def export_comments():
    session = web.current_session(router.current_event)
    consultation = web.params(router.current_event).get("consultation")
    return _to(exports.export_comments(web.ctx(), session.staff, consultation))


@router.get("/review/export/feedback.csv", include_in_schema=False)
def export_feedback():
    session = web.current_session(router.current_event)
    return _to(exports.export_feedback(web.ctx(), session.staff))


@router.get("/review/export/surveys/<survey_id>.csv", include_in_schema=False)
def export_survey(survey_id: str):
    session = web.current_session(router.current_event)
    return _to(exports.export_survey(web.ctx(), session.staff, survey_id))

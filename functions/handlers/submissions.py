"""The submissions Lambda: everything the public sends (/api/petitions…, /api/feedback, comments,
survey answers). Guards run first (size, type, UTF-8, rate limits), then the one resolver."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger

from .. import config, guard, openapi
from ..domain.errors import DomainError
from ..http import error_headers, make_resolver, message_of, status_of
from ..routes import forms, submissions

# Bodies are never logged: they carry names, mobile numbers and ID numbers.
logger = Logger(service="submissions", log_uncaught_exceptions=True)
app = make_resolver()
app.include_router(submissions.router)
app.include_router(forms.router)
app.include_router(openapi.router)


def _refused(event: dict, exc: DomainError) -> dict:
    """A request refused before routing, answered as its door expects: a page for forms, else JSON."""
    status, message = status_of(exc), message_of(exc)
    if event.get("rawPath", "").startswith("/forms/"):  # a person without JavaScript reads this page
        body = forms.error_page(status, message)
        ctype = "text/html; charset=utf-8"
    else:
        body = json.dumps({"statusCode": status.value, "message": message}, ensure_ascii=False)
        ctype = "application/json"
    return {"statusCode": status.value, "headers": {"Content-Type": ctype, **error_headers(exc)},
            "body": body, "isBase64Encoded": False}


def handler(event: dict, context) -> dict:
    try:
        guard.check_body(event)
        if event.get("requestContext", {}).get("http", {}).get("method") in guard.WRITE_METHODS:
            ctx = config.context()
            guard.check_rate(ctx.store, event, ctx.clock())
    except DomainError as exc:
        return _refused(event, exc)
    return app.resolve(event, context)

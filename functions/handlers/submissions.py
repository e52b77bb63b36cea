"""The submissions Lambda: everything the public sends (/api/petitions…, /api/feedback, comments,
survey answers). Guards run first (size, type, UTF-8, rate limits), then the one resolver."""

from __future__ import annotations

import json
from http import HTTPStatus

from aws_lambda_powertools import Logger

from .. import config, guard, origin
from ..domain.errors import RateLimited
from ..http import make_resolver
from ..routes import forms, submissions

# Bodies are never logged: they carry names, mobile numbers and ID numbers.
logger = Logger(service="submissions", log_uncaught_exceptions=True)
app = make_resolver()
app.include_router(submissions.router)
app.include_router(forms.router)


def _error(event: dict, status: HTTPStatus, message: str, headers: dict | None = None) -> dict:
    if event.get("rawPath", "").startswith("/forms/"):  # a person without JavaScript reads this page
        body = forms.error_page(status, message)
        ctype = "text/html; charset=utf-8"
    else:
        body = json.dumps({"statusCode": status.value, "message": message}, ensure_ascii=False)
        ctype = "application/json"
    return {"statusCode": status.value, "headers": {"Content-Type": ctype, **(headers or {})},
            "body": body, "isBase64Encoded": False}


def handler(event: dict, context) -> dict:
    refused = origin.refuse_direct_call(event)
    if refused is not None:
        return refused
    problem = guard.check_body(event)
    if problem is not None:
        return _error(event, *problem)
    if event.get("requestContext", {}).get("http", {}).get("method") in guard.WRITE_METHODS:
        ctx = config.context()
        try:
            guard.check_rate(ctx.store, event, ctx.clock())
        except RateLimited as exc:
            return _error(event, HTTPStatus.TOO_MANY_REQUESTS, exc.message, {"Retry-After": str(exc.retry_after)})
    return app.resolve(event, context)

"""The submissions Lambda: everything the public sends (/api/petitions…, /api/feedback, comments,
survey answers). Guards run first (method, size, type, UTF-8, rate limits), then the one resolver."""

from __future__ import annotations

import json
from contextvars import Token

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from .. import config, guard, openapi, origin
from ..domain.errors import DomainError
from ..http import error_headers, json_error, make_resolver, message_of, method_not_allowed, status_of, unexpected
from ..routes import dialogue, display, forms, submissions
from ..services import ratelimits

# Bodies are never logged: they carry names, mobile numbers and ID numbers.
logger = Logger(service="submissions", log_uncaught_exceptions=True)


def _for_forms(path: str) -> bool:
    return path.startswith("/forms/")  # a person without JavaScript reads the answer


def render_error(exc: Exception) -> Response:
    """A mapped error as this door answers it: a page in the site's chrome for forms, else JSON."""
    if _for_forms(app.current_event.path):
        status = status_of(exc)
        return Response(status_code=status.value, content_type="text/html; charset=utf-8",
                        body=forms.error_page(status, message_of(exc)),
                        headers={"Cache-Control": "no-store", **error_headers(exc)})
    return json_error(exc)


app = make_resolver(render_error=render_error)
app.include_router(submissions.router)
app.include_router(forms.router)
app.include_router(display.router)
app.include_router(openapi.router)
app.include_router(dialogue.router)


def _refused(event: dict, exc: DomainError) -> dict:
    """A request refused before routing, answered as its door expects."""
    status, message = status_of(exc), message_of(exc)
    if _for_forms(event.get("rawPath", "")):
        body = forms.error_page(status, message)
        ctype = "text/html; charset=utf-8"
    else:
        body = json.dumps({"statusCode": status.value, "message": message}, ensure_ascii=False)
        ctype = "application/json"
    return {"statusCode": status.value, "headers": {"Content-Type": ctype, **error_headers(exc)},
            "body": body, "isBase64Encoded": False}


def _count_rate(event: dict) -> Token | None:
    """Rate limits of a public write. At a door that stores a new submission only the counts are
    read here and the hits left for its insert to count (services/ratelimits.py): the token says so."""
    ctx = config.context()
    now = ctx.clock()
    if not guard.stores_new(event):
        guard.check_rate(ctx.store, event, now)
        return None
    hits = guard.rate_hits(event, now)
    guard.precheck_rate(ctx.store, hits, now)
    return ratelimits.defer(hits)


def _count_left(token: Token) -> None:
    """After the answer: count the hits of a request that ended without its insert (a replay, a refusal)."""
    try:
        store = config.context().store
        for hit in ratelimits.finish(token):
            store.hit(hit.bucket, hit.window_start, hit.expires_at)
    except Exception as exc:  # noqa: BLE001 - the answer stands; the count is only missed
        unexpected(exc)


def handler(event: dict, context) -> dict:
    refused = origin.refuse_direct_call(event)
    if refused is not None:
        return refused
    http = event.get("requestContext", {}).get("http", {})
    token = None
    try:
        wrong_method = method_not_allowed(app, http.get("method", "GET"), event.get("rawPath", ""))
        if wrong_method is not None:
            raise wrong_method
        guard.check_body(event)
        if http.get("method") in guard.WRITE_METHODS:
            token = _count_rate(event)
    except DomainError as exc:
        return _refused(event, exc)
    except Exception as exc:  # noqa: BLE001 - never an English 500 to the public
        return _refused(event, unexpected(exc))
    try:
        return app.resolve(event, context)
    except Exception as exc:  # noqa: BLE001 - what even the resolver's handlers could not answer
        return _refused(event, unexpected(exc))
    finally:
        if token is not None:
            _count_left(token)

"""The search Lambda: GET /api/search and GET /search/. Opens the index at import (cold start),
so the first request pays nothing extra."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger

from .. import origin
from ..http import make_resolver
from ..routes import search

# No query text in logs: people search for names and case details.
logger = Logger(service="search", log_uncaught_exceptions=True)
app = make_resolver()
app.include_router(search.router)


def handler(event: dict, context) -> dict:
    refused = origin.refuse_direct_call(event)
    if refused is not None:
        return refused
    return app.resolve(event, context)


def warm() -> None:
    """Open the index now (called at import on Lambda; optional elsewhere)."""
    search.engine()


if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    warm()

"""Requests resolved at the same time in several threads (the local server's workers) each read their
own request, and the submissions shim no longer makes them wait for one another."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from functions.http import make_resolver
from functions.local.asgi import LambdaShim


def event(path: str, query: str) -> dict:
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": f"who={query}",
            "queryStringParameters": {"who": query}, "headers": {"host": "localhost"},
            "requestContext": {"http": {"method": "GET", "path": path, "protocol": "HTTP/1.1",
                                        "sourceIp": "127.0.0.1", "userAgent": "t"},
                               "requestId": query, "routeKey": "$default", "stage": "$default"},
            "isBase64Encoded": False}


def test_two_requests_resolved_at_once_each_read_their_own_query():
    router = APIGatewayHttpRouter()
    both_inside = threading.Barrier(2, timeout=10)

    @router.get("/who")
    def who() -> dict:
        first = router.current_event.query_string_parameters["who"]
        both_inside.wait()  # the other request has started meanwhile
        return {"first": first, "then": router.current_event.query_string_parameters["who"]}

    app = make_resolver()
    app.include_router(router)
    # A second resolver (another handler) resolving at the same time must not leak into the first.
    other = make_resolver()

    @other.get("/other")
    def other_route() -> dict:
        return {}

    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = pool.map(lambda who: app.resolve(event("/who", who), None), ["甲", "乙"])
        other_answer = pool.submit(other.resolve, event("/other", "丙"), None)
        bodies = sorted(a["body"] for a in answers)
    assert other_answer.result()["statusCode"] == 200
    assert bodies == ['{"first":"乙","then":"乙"}', '{"first":"甲","then":"甲"}']


def test_a_router_included_in_a_second_resolver_still_reads_the_first_ones_request():
    router = APIGatewayHttpRouter()

    @router.get("/who")
    def who() -> dict:
        return {"who": router.current_event.query_string_parameters["who"]}

    app = make_resolver()
    app.include_router(router)
    schema_only = make_resolver()  # as functions/openapi.py builds the API document
    schema_only.include_router(router)
    assert app.resolve(event("/who", "甲"), None)["body"] == '{"who":"甲"}'


def test_the_submissions_shim_runs_two_requests_at_the_same_time():
    both_inside = threading.Barrier(2, timeout=5)

    def handler(event: dict, context) -> dict:
        both_inside.wait()  # raises BrokenBarrierError if the second request waits behind the first
        return {"statusCode": 200, "body": event["rawPath"]}

    shim = LambdaShim(handler, name="submissions")
    sent: list[dict] = []

    async def call(path: str) -> None:
        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await shim({"type": "http", "method": "GET", "path": path, "headers": []}, receive, send)

    async def main():
        await asyncio.gather(call("/api/a"), call("/api/b"))

    asyncio.run(main())
    statuses = [m["status"] for m in sent if m["type"] == "http.response.start"]
    assert statuses == [200, 200]
    assert sorted(m["body"] for m in sent if m["type"] == "http.response.body") == [b"/api/a", b"/api/b"]

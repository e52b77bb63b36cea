"""Run a Lambda handler behind ASGI: turn the request into an API Gateway HTTP API (v2) event,
call the handler in a worker thread, turn its result back into an ASGI response.

Why not Powertools' HttpResolverLocal: in 3.37.0 with validation on it deadlocks at 8 concurrent
requests on a 2-core machine (its sync middleware waits on a nested to_thread). Here there is one
hop into a thread and no nesting. The resolvers keep the request being resolved per thread
(functions.http.ThreadLocalResolver), so requests to one handler run at once in the worker threads,
as concurrent Lambda invocations do; a shim made with `exclusive=True` still runs its handler for
one request at a time (for handlers whose own code has not been checked for concurrent use).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import datetime as dt
import functools
import json
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qsl

Handler = Callable[[dict, object], dict]
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


@dataclass
class LocalContext:
    """The few LambdaContext attributes handlers and Powertools read."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class LambdaShim:
    def __init__(self, handler: Handler, name: str = "local", exclusive: bool = False, threads: int = 32):
        self.handler = handler
        self.name = name
        self._lock: threading.Lock | contextlib.nullcontext = threading.Lock() if exclusive else contextlib.nullcontext()
        # Its own threads, as many as requests may wait on the disk at once: asyncio's default pool
        # has only cores + 4, and every request in it that waits for a commit holds one of them, so
        # the commits that could share one fsync (group commit in the SQLite Store) would be few.
        self._pool = None if exclusive else ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        if self._pool is not None:  # an app dropped (tests make many) lets its idle threads end
            weakref.finalize(self, self._pool.shutdown, wait=False)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        event = to_event(scope, body)
        if self._pool is None:
            result = await asyncio.to_thread(self._invoke, event)
        else:
            call = functools.partial(contextvars.copy_context().run, self._invoke, event)
            result = await asyncio.get_running_loop().run_in_executor(self._pool, call)
        await _send(send, result)

    def _invoke(self, event: dict) -> dict:
        context = LocalContext(self.name, event["requestContext"]["requestId"])
        try:
            with self._lock:
                return self.handler(event, context)
        except Exception as exc:  # noqa: BLE001 - like Lambda's own 502, but in Chinese and logged safely
            from functions.http import UNEXPECTED, unexpected

            unexpected(exc)
            body = json.dumps({"statusCode": 500, "message": UNEXPECTED}, ensure_ascii=False)
            return {"statusCode": 500, "headers": {"Content-Type": "application/json"}, "body": body}


def to_event(scope: dict, body: bytes) -> dict:
    """An HTTP API payload-format 2.0 event for this ASGI request."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
            continue
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    query = scope.get("query_string", b"").decode("latin-1")
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value  # as API Gateway joins them
    path, root = scope["path"], scope.get("root_path", "")
    if root and not path.startswith(root):  # older Starlette mounts strip the prefix from path
        path = root + path
    text = headers.get("content-type", "").startswith(_TEXT_TYPES)
    if text:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:  # like API Gateway: bytes that are not UTF-8 travel base64-encoded
            text = False
    now = time.time()
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "local", "apiId": "local", "domainName": headers.get("host", "localhost"),
            "domainPrefix": "local", "requestId": str(uuid.uuid4()), "routeKey": "$default", "stage": "$default",
            "http": {"method": scope["method"], "path": path, "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
                     "sourceIp": (scope.get("client") or ("127.0.0.1", 0))[0],
                     "userAgent": headers.get("user-agent", "")},
            "time": dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": bool(body) and not text,
    }
    if params:
        event["queryStringParameters"] = params
    if cookies:
        event["cookies"] = cookies
    if body:
        event["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode("ascii")
    return event


async def _send(send, result: dict) -> None:
    body = result.get("body") or ""
    payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    headers = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in (result.get("headers") or {}).items()
               if k.lower() != "content-length"]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name.lower().encode("latin-1"), str(v).encode("latin-1")) for v in values]
    headers += [(b"set-cookie", c.encode("latin-1")) for c in result.get("cookies") or []]
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": int(result.get("statusCode", 200)), "headers": headers})
    await send({"type": "http.response.body", "body": payload})

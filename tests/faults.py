"""Faults injected into a moto-backed boto3 client the way AWS produces them, through botocore's own
event hooks (`before-send`, emitted for every HTTP attempt): botocore's retry logic, the adapter's error
handling and moto behind them all run for real. Not botocore's Stubber, which replaces a client's
answers wholesale and skips the retries.

botocore calls every `before-send` handler and uses the first answer, so a fault cannot simply answer
ahead of moto (moto would still apply the request). A gate replaces moto's handler on the one client:
each attempt goes to the first fault that takes it, and otherwise on to moto.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any):
        yield self._body


def error_answer(code: str, status: int = 400) -> AWSResponse:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"}).encode()
    return AWSResponse("https://dynamodb.injected", status, {"x-amzn-RequestId": "injected",
                                                             "Content-Type": "application/x-amz-json-1.0"}, _Raw(body))


class _Gate:
    def __init__(self, client: Any):
        from moto.core.models import botocore_stubber  # moto's own before-send handler (mock_aws active)

        self.moto = botocore_stubber
        self.faults: list[Any] = []
        client.meta.events.unregister("before-send", botocore_stubber)
        client.meta.events.register("before-send", self)

    def __call__(self, request: Any = None, event_name: str = "", **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        for fault in self.faults:
            if fault.takes(operation):
                return fault.answer(lambda: self.moto(event_name, request), request)
        return self.moto(event_name, request)


def _gate(client: Any) -> _Gate:
    meta = client.meta
    if not hasattr(meta, "_fault_gate"):
        meta._fault_gate = _Gate(client)
    return meta._fault_gate


class Throttle:
    """The next `times` attempts of `operation` ("*" for any) are answered with `code` and never reach
    moto; `attempts` counts what botocore sent."""

    def __init__(self, client: Any, operation: str, times: int, code: str = "ProvisionedThroughputExceededException"):
        self.operation, self.times, self.code, self.attempts, self.refused = operation, times, code, 0, 0
        _gate(client).faults.append(self)

    def takes(self, operation: str) -> bool:
        if self.operation not in ("*", operation):
            return False
        self.attempts += 1
        return self.refused < self.times

    def answer(self, forward, request) -> AWSResponse:
        self.refused += 1
        return error_answer(self.code)

    def stop(self) -> None:
        self.times = self.refused


class LostAnswer:
    """The first attempt of `operation` reaches moto (and is applied), then its answer is lost to a
    read timeout, so botocore sends the very same request again — what a slow network does."""

    def __init__(self, client: Any, operation: str):
        self.operation, self.sent = operation, 0
        _gate(client).faults.append(self)

    def takes(self, operation: str) -> bool:
        if operation != self.operation:
            return False
        self.sent += 1
        return self.sent == 1

    def answer(self, forward, request) -> AWSResponse:
        forward()  # applied …
        raise ReadTimeoutError(endpoint_url=request.url)  # … but the answer never arrives

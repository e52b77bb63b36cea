"""The local portal (site + API) on a fresh SQLite store, with a clock the tests can set."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn

from functions import config
from tests.contexts import Clock


@pytest.fixture
def portal_env(built_fixture, tmp_path, monkeypatch):
    """Environment of a local portal over the built fixture, with its own database."""
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_STORE", f"sqlite:///{tmp_path / 'portal.db'}")
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=1000/10,sustained=100000/3600")
    config.reset()
    clock = Clock(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc))
    ctx = config.context()
    ctx.clock = clock
    yield ctx, clock
    config.reset()


@pytest.fixture
def api(portal_env):
    """An HTTP client bound to the ASGI app in-process (fast), plus the context and clock."""
    from portal.server import create_app

    ctx, clock = portal_env
    transport = httpx.ASGITransport(app=create_app(ctx_build_dir()))
    client = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")
    return SyncClient(client), ctx, clock


def ctx_build_dir():
    import os
    from pathlib import Path

    return Path(os.environ["PORTAL_BUILD_DIR"])


class SyncClient:
    """httpx's ASGI transport is async; tests read better synchronously."""

    def __init__(self, client: httpx.AsyncClient):
        import asyncio

        self._client = client
        self._loop = asyncio.new_event_loop()

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def wait_until_serving(base: str, process, output: Callable[[], str], timeout: float = 60) -> None:
    """Wait until `base`/ answers 200; fail with the process's output if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None, output()
        assert time.monotonic() < deadline, "the server did not start: " + output()
        time.sleep(0.3)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """`app` on a real uvicorn server on a free 127.0.0.1 port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Settings for a module-scoped portal (monkeypatch is per test): set, then restored with the context."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    config.reset()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        config.reset()


@pytest.fixture
def live_server(portal_env):
    """The same app on a real uvicorn server on 127.0.0.1 (for concurrency tests)."""
    from portal.server import create_app

    with serving(create_app(ctx_build_dir())) as base:
        yield base, portal_env

"""A review workspace with staff in every role at every position relative to the case's unit.

Fixture org: 河北省 130000 → 石家庄市 130100 → 正定县 130123; 河北省 → 保定市 130600 → 竞秀区 130602.
Cases are handled by 石家庄市 (130100), so for them: own = 130100, parent = 130000, child = 130123,
sibling = 130600, unrelated = 130602.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

from functions.domain.access import STAFF_ROLES
from functions.services import accounts

PLACES = {"own": "130100", "parent": "130000", "child": "130123", "sibling": "130600", "unrelated": "130602"}
PASSWORD = "a-long-test-password"
PETITION = {"kind": "suggestion", "unit": "130100", "subject": "关于社区党建的建议",
            "body": "建议社区党组织每月公开一次党费收缴和使用情况。", "contact": {"name": "张三", "mobile": "13800138000",
                                                                        "id_number": "11010519491231002X"}}


class Browser:
    """One person's browser: its own cookie jar, talking to the in-process portal."""

    def __init__(self, app, https: bool = False, address: str = "127.0.0.1"):
        self._loop = asyncio.new_event_loop()
        self.https = https
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 123)),
                                        base_url=("https" if https else "http") + "://127.0.0.1")

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.https:
            headers.setdefault("x-forwarded-proto", "https")
        return self._loop.run_until_complete(self.client.request(method, url, headers=headers, **kwargs))

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs) -> httpx.Response:
        return self.request("POST", url, data=data or {}, **kwargs)

    def csrf(self, url: str = "/review/cases") -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get(url).text).group(1)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        token = re.search(r'name="csrf" value="([^"]+)"', self.get("/review/login").text).group(1)
        return self.post("/review/login", {"csrf": token, "username": username, "password": password})

    def download(self, url: str) -> httpx.Response:
        """An export: a 303 to a short-lived link (never the file in the page's own answer), followed."""
        answer = self.get(url)
        if answer.status_code != 303:
            return answer
        assert answer.content == b"", "an export never travels in the function's response"
        return self.get(answer.headers["location"])

    def submit(self, url: str, fields: dict, page: str | None = None) -> httpx.Response:
        """POST a review form the way the page would (with the session's CSRF token)."""
        return self.post(url, {"csrf": self.csrf(page or "/review/cases"), **fields})


def add_everyone(ctx) -> None:
    for place, unit in PLACES.items():
        for role in STAFF_ROLES:
            accounts.add_staff(ctx.store, f"{role.value}_{place}", f"{place}{role.label}", unit, role, PASSWORD,
                               "test", ctx.clock())


def new_case(client, **changes) -> str:
    response = client.post("/api/petitions", json={**PETITION, **changes}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return response.json()["reference"]


def version_of(ctx, reference: str) -> int:
    return ctx.store.get("petition", reference).version


def signed_in(app, username: str) -> Browser:
    """A browser of its own, signed in as `username` (with the test password)."""
    browser = Browser(app)
    assert browser.login(username).status_code == 303
    return browser

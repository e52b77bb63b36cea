"""`portal preview` as an editor uses it: the real portal (search, forms) on 127.0.0.1, rebuilt on
save, and a mistake shown in the browser over every page, with path:line, until it is fixed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURE_CONTENT, ROOT
from tests.integration.conftest import free_port, wait_until_serving

CHROMIUM = "/usr/bin/chromium"
REGULATION = "regulations/jiguan-banfa-2010.md"
OVERLAY = "#portal-preview-problems"


class Preview:
    def __init__(self, base: str, content: Path, output: Path):
        self.base, self.content, self.output = base, content, output

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.content / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def wait_for_status(self, predicate, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = httpx.get(self.base + "/__preview/status", timeout=5).json()
            if predicate(status):
                return status
            assert time.monotonic() < deadline, status
            time.sleep(0.2)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    content = tmp / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    port = free_port()
    env = {**os.environ, "PORTAL_STORE": f"sqlite:///{tmp / 'var' / 'portal.db'}", "PORTAL_BLOBS": f"file:///{tmp / 'up'}",
           "PORTAL_RATE_LIMITS": "burst=1000/10,sustained=100000/3600", "PYTHONUNBUFFERED": "1"}
    env.pop("PORTAL_BUILD_DIR", None)
    output = tmp / "output.txt"
    command = [sys.executable, "-m", "portal.cli", "preview", "--content", str(content), "--out", str(tmp / "build"),
               "--config", str(ROOT / "mkdocs.yml"), "--host", "127.0.0.1", "--port", str(port), "--today", "2026-06-01"]
    with output.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, output.read_text, timeout=90)
        yield Preview(base, content, output)
    finally:
        process.terminate()
        process.wait(20)


def test_the_preview_serves_the_real_portal_with_search_and_forms(preview):
    search = httpx.get(preview.base + "/api/search", params={"q": "基层"})
    assert search.status_code == 200 and search.json()["total"] >= 1
    assert "<form" in httpx.get(preview.base + "/petition/").text
    feedback = httpx.post(preview.base + "/api/feedback", json={"page": "/about/", "body": "预览中的页面反馈。"},
                          headers={"Origin": preview.base})
    assert feedback.status_code == 201, feedback.text


def test_a_mistake_is_shown_over_every_page_until_it_is_fixed(preview):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    assert httpx.get(preview.base + "/api/search", params={"q": "预览版"}).json()["hits"] == []  # index now open
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(base_url=preview.base)
            page.goto("/regulations/jiguan-banfa-2010/")
            expect(page.locator("h1")).to_contain_text("机关党建工作办法")
            assert page.locator(OVERLAY).count() == 0

            # The editor types an impossible date and saves: the open page reloads with the problem on top.
            version = preview.wait_for_status(lambda s: True)["version"]
            preview.edit(REGULATION, "published: 2010-01-05", "published: 2010-02-30")
            overlay = page.locator(OVERLAY)
            expect(overlay).to_be_visible(timeout=60_000)
            expect(overlay).to_contain_text(f"{REGULATION}:6: published: 日期无效")
            assert preview.wait_for_status(lambda s: s["version"] > version)["problems"]
            page.goto("/")  # every page carries it while the content is broken
            expect(page.locator(OVERLAY)).to_contain_text(f"{REGULATION}:6: published")

            # Fixed, with a new title: the overlay goes and the page shows the new text.
            preview.edit(REGULATION, "published: 2010-02-30", "published: 2010-01-05")
            preview.edit(REGULATION, "title: 机关党建工作办法", "title: 机关党建工作办法（预览版）")
            page.goto("/regulations/jiguan-banfa-2010/")
            expect(page.locator("h1")).to_contain_text("机关党建工作办法（预览版）", timeout=60_000)
            expect(page.locator(OVERLAY)).to_have_count(0)
        finally:
            browser.close()
    hits = httpx.get(preview.base + "/api/search", params={"q": "预览版"}).json()["hits"]  # the index is the new one
    assert "机关党建工作办法（预览版）" in [hit["title"] for hit in hits]


def test_problems_in_the_overlay_are_text_not_markup(tmp_path):
    from portal.preview import PreviewApp, PreviewState

    state = PreviewState()
    state.publish(['news/posts/x.md:3: title: 取值无效：“<img src=x onerror=alert(1)>”'])
    overlay = PreviewApp(tmp_path, state).overlay_html()
    assert "<img" not in overlay and "&lt;img src=x onerror=alert(1)&gt;" in overlay


def test_the_preview_prints_chinese_only(preview):
    preview.wait_for_status(lambda s: not s["problems"])
    text = preview.output.read_text(encoding="utf-8")
    assert "预览已启动：http://127.0.0.1:" in text
    assert "已重新构建" in text and f"{REGULATION}:6: published: 日期无效" in text
    # What remains after addresses, file names, field names (the YAML keys editors type) and key names.
    prose = re.sub(r"https?://\S+|[\w./-]+\.(?:md|yaml):\d+: [\w.]+:|Ctrl\+C|YYYY-MM-DD", "", text)
    assert not re.search(r"\b(INFO|WARNING|ERROR|Doc file|nav|Uvicorn|Started)\b", prose), text
    assert not re.search(r"[a-z]{4,}", prose), text


def test_before_the_first_good_build_every_address_shows_the_problems(tmp_path):
    import asyncio

    from portal.preview import PreviewApp, PreviewState

    state = PreviewState()
    state.publish(["regulations/x.md:6: published: 日期无效，应为 YYYY-MM-DD 格式的真实日期"])
    app = PreviewApp(tmp_path / "never-built", state)

    async def get(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            return await client.get(path)

    response = asyncio.run(get("/regulations/x/"))
    assert response.status_code == 503
    assert "regulations/x.md:6: published: 日期无效" in response.text and "网站还没有构建成功过" in response.text
    assert asyncio.run(get("/__preview/status")).json() == {
        "version": 1, "problems": ["regulations/x.md:6: published: 日期无效，应为 YYYY-MM-DD 格式的真实日期"]}

"""`portal serve` serves the built site on 127.0.0.1 (started here, on a free port)."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from portal.server import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_fixture):
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(built_fixture), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


def test_the_home_page_and_a_regulation_are_served(server):
    home = httpx.get(server + "/")
    assert home.status_code == 200 and "正在征求意见" in home.text
    reg = httpx.get(server + "/regulations/zuzhi-gongzuo-2015/")
    assert reg.status_code == 200 and 'id="第十二条"' in reg.text


def test_chinese_listing_urls_work_percent_encoded(server):
    response = httpx.get(server + "/regulations/level/%E8%A7%84%E5%AE%9A/")
    assert response.status_code == 200 and "基层组织工作规定" in response.text


def test_an_unknown_page_gets_the_sites_404(server):
    response = httpx.get(server + "/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text and "返回首页" in response.text


def test_pages_arrive_gzip_compressed_when_the_browser_accepts_it(server):
    with httpx.Client() as client:
        raw = client.get(server + "/regulations/zuzhi-gongzuo-2015/", headers={"Accept-Encoding": "gzip"})
        plain = client.get(server + "/regulations/zuzhi-gongzuo-2015/", headers={"Accept-Encoding": "identity"})
    assert raw.headers["content-encoding"] == "gzip" and "accept-encoding" in raw.headers["vary"].lower()
    assert raw.text == plain.text and 'id="第十二条"' in raw.text  # httpx decodes it
    assert int(raw.headers["content-length"]) < len(plain.content) / 3
    assert "content-encoding" not in plain.headers


def test_small_files_and_the_api_are_sent_uncompressed_as_cloudfront_does(server):
    with httpx.Client() as client:
        api = client.get(server + "/api/search", params={"q": "党组织"}, headers={"Accept-Encoding": "gzip"})
        small = client.get(server + "/assets/javascripts/lunr/min/lunr.jp.min.js", headers={"Accept-Encoding": "gzip"})
    assert api.status_code == 200 and "content-encoding" not in api.headers
    assert small.status_code == 200 and len(small.content) < 1000 and "content-encoding" not in small.headers

"""Search over HTTP, as the public uses it: `portal build` makes the index, the local server
(uvicorn on 127.0.0.1, a free port) serves the site and runs the search Lambda handler through
the ASGI shim."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from portal.cli import main as portal
from portal.server import create_app
from tests.integration.conftest import serving

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"


@pytest.fixture(scope="module")
def content_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(FIXTURE, root)
    (root / "policies" / "xinxi-2024.md").write_text("""---
title: 关于加强个人信息保护的通知
doc_number: 冀办发〔2006〕12号
issuer: 河北省
published: 2024-03-01
effective: 2024-03-01
category: 网络安全
---
各单位要落实个人信息保护责任。
""", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def build(content_root, tmp_path_factory) -> Path:
    root = content_root
    out = tmp_path_factory.mktemp("build")
    assert portal(["build", "--content", str(root), "--today", "2026-06-01", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def site(build):
    with serving(create_app(build)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def test_portal_build_writes_the_search_index_next_to_the_site(build):
    assert (build / "search-index" / "portal-search.json").is_file()
    assert (build / "search-index" / "page.html").is_file()


def test_the_api_answers_in_readable_chinese_json(site):
    response = site.get("/api/search", params={"q": "个人信息保护"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "个人信息保护".encode() in response.content and b"\\u" not in response.content
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1 and body["size"] == 10
    hit = body["hits"][0]
    assert hit["url"] == "/policies/xinxi-2024/" and hit["type"] == "policy"
    assert "<mark>个人信息保护</mark>" in hit["snippet"]
    assert (hit["doc_number"], hit["issuer_name"], hit["validity"]) == ("冀办发〔2006〕12号", "中共河北省委", "effective")
    assert set(body["facets"]) == {"type", "issuer", "level", "validity", "year"}


def test_every_result_links_to_a_page_that_exists(site):
    for hit in site.get("/api/search", params={"size": 50}).json()["hits"]:
        assert site.get(hit["url"]).status_code == 200, hit["url"]


@pytest.mark.parametrize("spelling", ["冀办发〔2006〕12号", "冀办发[2006]12号", "冀办发2006 12号"])
def test_a_document_number_finds_its_document_over_http(site, spelling):
    assert site.get("/api/search", params={"q": spelling}).json()["hits"][0]["url"] == "/policies/xinxi-2024/"


def test_an_empty_query_with_a_filter_lists_that_units_documents_newest_first(site):
    body = site.get("/api/search", params={"unit": "石家庄市"}).json()
    dates = [h["date"] for h in body["hits"]]
    assert body["total"] == 4 and dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("params,name", [
    ({"size": "51"}, "size"), ({"page": "0"}, "page"), ({"q": "党" * 201}, "q"), ({"type": "book"}, "type"),
    ({"from": "2024-13-01"}, "from"), ({"unit": "火星市"}, "unit"), ({"issuer": "无此机关"}, "issuer"),
    ({"sort": "random"}, "sort"), ({"validity": "valid"}, "validity"), ({"level": "法律"}, "level"),
])
def test_bad_parameters_get_a_422_naming_the_parameter_in_chinese(site, params, name):
    response = site.get("/api/search", params=params)
    assert response.status_code == 422
    body = response.json()
    assert name in body["errors"] and body["message"].startswith("请求参数有误")


@pytest.mark.parametrize("q", ["%", "\\", "'; DROP TABLE", "<script>", '"', "AND", "*", "😀", "\u202e\u200b",
                               '{title body} : "x"', "NEAR(a b)", "a\tb\nc"])
def test_odd_input_is_searched_as_text(site, q):
    assert site.get("/api/search", params={"q": q}).status_code == 200


@pytest.mark.parametrize("query,name", [
    ("size=%C2%B2", "size"), ("page=%E2%91%A0", "page"), ("page=%D9%A3", "page"),  # ², ①, Arabic-Indic 3
    ("page=" + "9" * 5000, "page"), ("q=%00", "q"), ("q=a%1Bb", "q"), ("q=" + "党" * 3000, "q"),
    ("year=2024,abcd", "year"), ("type=regulation,book", "type"), ("from=2024-1-1", "from"),
])
def test_malformed_parameters_get_a_chinese_422_never_a_server_error(site, query, name):
    response = site.get("/api/search?" + query)
    assert response.status_code == 422, response.text[:200]
    body = response.json()
    assert list(body["errors"]) == [name] and body["message"].startswith("请求参数有误")
    assert not any(ch.isascii() and ch.isalpha() for ch in body["errors"][name].split("（")[0].split("“")[0])


@pytest.mark.parametrize("query", ["q[]=党员", "q.x=1&q=党员", "type[0]=news", "q=党员&q=教育", "page.size=3",
                                   "q=%FF%FE", "=x&==&&", "unit=", "q=" + "%E5%85%9A" * 200])
def test_odd_or_nested_parameter_names_and_broken_encodings_never_cause_a_server_error(site, query):
    assert site.get("/api/search?" + query).status_code == 200


def test_repeated_parameters_choose_several_values_of_a_filter(site):
    both = site.get("/api/search?type=regulation&type=policy&size=50").json()
    joined = site.get("/api/search", params={"type": "regulation,policy", "size": 50}).json()
    assert both == joined and {h["type"] for h in both["hits"]} == {"regulation", "policy"}
    assert [(f["name"], f["value"]) for f in both["filters"]] == [("type", "regulation"), ("type", "policy")]
    assert {f["value"] for f in both["facets"]["type"] if f["selected"]} == {"regulation", "policy"}


def test_sort_by_effective_date_over_http(site):
    hits = site.get("/api/search", params={"type": "regulation", "sort": "effective", "size": 50}).json()["hits"]
    assert [h["effective"] for h in hits] == sorted((h["effective"] for h in hits), reverse=True)


@pytest.mark.parametrize("spelling", ["冀办发〔2006〕012号", "冀办发2006年12号", "冀办发〔2006〕12", "冀办发〔２００６〕１２号"])
def test_the_document_number_spellings_people_type_find_it_over_http(site, spelling):
    assert site.get("/api/search", params={"q": spelling}).json()["hits"][0]["url"] == "/policies/xinxi-2024/"


def test_the_openapi_document_types_and_describes_every_search_parameter(site):
    operation = site.get("/api/openapi.json").json()["paths"]["/api/search"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"q", "type", "issuer", "level", "validity", "unit", "year", "from", "to", "sort", "page", "size"}
    assert all(p["description"] and "anyOf" not in p["schema"] for p in params.values())
    assert {k: params["page"]["schema"][k] for k in ("type", "minimum", "maximum")} == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert params["size"]["schema"]["maximum"] == 50 and params["q"]["schema"]["maxLength"] == 200
    assert params["sort"]["schema"]["enum"] == ["relevance", "date", "effective"]
    assert params["from"]["schema"]["format"] == "date"
    assert "regulation" in params["type"]["schema"]["pattern"] and "逗号" in params["type"]["description"]
    assert set(operation["responses"]) >= {"200", "422", "503"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SearchResult")


def test_concurrent_searches_all_complete(site):
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda i: site.get("/api/search", params={"q": "基层", "page": i % 3 + 1}).status_code,
                              range(48)))
    assert codes == [200] * 48


def test_the_lambda_handler_answers_an_api_gateway_event(build, monkeypatch):
    from functions.handlers.search import handler
    from functions.routes.search import INDEX_ENV

    monkeypatch.setenv(INDEX_ENV, str(build / "search-index"))
    event = {"version": "2.0", "routeKey": "$default", "rawPath": "/api/search", "rawQueryString": "q=%E5%9F%BA%E5%B1%82",
             "headers": {"host": "example.org"}, "queryStringParameters": {"q": "基层"},
             "requestContext": {"http": {"method": "GET", "path": "/api/search", "sourceIp": "192.0.2.1"},
                                "requestId": "r1", "stage": "$default"}, "isBase64Encoded": False}
    response = handler(event, None)
    assert response["statusCode"] == 200 and json.loads(response["body"])["total"] >= 3


def test_without_an_index_search_says_it_is_unavailable_instead_of_failing(tmp_path, monkeypatch):
    from functions.handlers.search import handler
    from functions.routes.search import INDEX_ENV

    monkeypatch.setenv(INDEX_ENV, str(tmp_path / "no-index"))

    def get(path: str) -> dict:
        return handler({"version": "2.0", "rawPath": path, "rawQueryString": "q=x", "headers": {},
                        "queryStringParameters": {"q": "x"},
                        "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"}}, None)

    api, page = get("/api/search"), get("/search/")
    assert api["statusCode"] == 503 and json.loads(api["body"])["message"] == "检索服务暂时不可用，请稍后再试"
    assert page["statusCode"] == 503 and "检索服务暂时不可用" in page["body"] and 'value="x"' in page["body"]


def test_the_engine_is_chosen_at_build_time_and_answers_alike(build, content_root, tmp_path, monkeypatch):
    from functions.handlers.search import handler
    from functions.routes import search
    from functions.routes.search import INDEX_ENV

    monkeypatch.setenv("PORTAL_SEARCH_ENGINE", "whoosh")
    assert portal(["build", "--content", str(content_root), "--today", "2026-06-01", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "search-index" / "portal-search.json").read_text())["engine"] == "whoosh"
    assert json.loads((build / "search-index" / "portal-search.json").read_text())["engine"] == "fts5"  # default

    def ask(index) -> dict:
        monkeypatch.setenv(INDEX_ENV, str(index))
        event = {"version": "2.0", "rawPath": "/api/search", "rawQueryString": "", "headers": {},
                 "queryStringParameters": {"q": "基层 工作", "type": "regulation,policy", "size": "50"},
                 "requestContext": {"http": {"method": "GET", "path": "/api/search"}, "stage": "$default"}}
        return json.loads(handler(event, None)["body"])

    fts5, whoosh = ask(build / "search-index"), ask(tmp_path / "search-index")
    assert search.engine().name == "whoosh" and fts5["total"] > 0 and whoosh == fts5


@pytest.mark.parametrize("params", [{"q": "党\ud800员"}, {"unit": "\udfff"}, {"q": "x", "page": "²"},
                                    {"issuer": "中共\x00河北省委"}])
def test_the_lambda_handler_answers_a_chinese_422_for_text_no_browser_can_send(build, monkeypatch, params):
    from functions.handlers.search import handler
    from functions.routes.search import INDEX_ENV

    monkeypatch.setenv(INDEX_ENV, str(build / "search-index"))
    for path in ("/api/search", "/search/"):
        event = {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": {}, "queryStringParameters": params,
                 "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"}}
        response = handler(event, None)
        assert response["statusCode"] == 422, response["body"][:300]
        assert "检索" in response["body"] or "请求参数有误" in response["body"]
        response["body"].encode("utf-8")  # the answer itself is valid text

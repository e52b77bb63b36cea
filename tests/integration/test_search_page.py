"""The /search/ page without JavaScript: a plain HTML form and links, inside the site's chrome."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from test_search_api import build, site  # noqa: F401  (shared module fixtures: one build, one server)


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(/search/\?[^"]*)"', html)]


def test_every_site_page_has_a_search_box_that_submits_to_the_search_page(site):
    html = site.get("/regulations/").text
    form = re.search(r'<form class="portal-search-box" action="/search/" method="get"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="q"' in form.group(1) and "<label" in form.group(1)


def test_results_are_rendered_on_the_server_with_marked_snippets_inside_the_site_chrome(site):
    response = site.get("/search/", params={"q": "基层组织"})
    html = response.text
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert 'class="md-header' in html and "/assets/portal.css" in html  # the site's own chrome
    assert "<title>检索 - " in html and 'name="robots" content="noindex"' in html
    assert html.count('<li>\n    <h2><a href="/regulations/') == 3
    assert "<mark>基层组织</mark>" in html
    assert 'value="基层组织"' in html  # the query stays in the box


def test_facet_links_narrow_the_search_and_keep_the_query(site):
    html = site.get("/search/", params={"q": "基层组织"}).text
    validity = [u for u in links(html) if "validity=" in u]
    assert validity and all(parse_qs(urlsplit(u).query)["q"] == ["基层组织"] for u in validity)
    narrowed = site.get(validity[0]).text
    assert "已选条件" in narrowed and narrowed.count('<li>\n    <h2><a href="/regulations/') == 1


def test_pagination_links_carry_the_query_and_filters(site):
    html = site.get("/search/", params={"type": "regulation", "size": "2"}).text
    nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert nxt and parse_qs(urlsplit(unescape(nxt.group(1))).query) == {"type": ["regulation"], "size": ["2"], "page": ["2"]}
    second = site.get(unescape(nxt.group(1))).text
    assert 'rel="prev"' in second and "第 2 / 3 页" in second


def test_sort_by_date_is_a_link(site):
    html = site.get("/search/", params={"q": "基层组织"}).text
    assert any(parse_qs(urlsplit(u).query).get("sort") == ["date"] for u in links(html))


def test_bad_parameters_show_the_form_with_a_message_not_an_error_page(site):
    response = site.get("/search/", params={"q": "党员", "size": "500"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "每页条数 size" in response.text and 'value="党员"' in response.text


def test_what_the_reader_typed_is_escaped(site):
    html = site.get("/search/", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_nothing_found_says_so_and_suggests_what_to_do(site):
    assert "没有找到符合条件的文件" in site.get("/search/", params={"q": "不存在的词语组合"}).text

"""The /search/ page without JavaScript: a plain HTML form and links, inside the site's chrome."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from test_search_api import build, content_root, site  # noqa: F401  (shared module fixtures: one build, one server)


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
    assert 'role="alert"' in response.text and "每页条数应为 1 到 50 之间的整数" in response.text
    assert 'value="党员"' in response.text


def test_what_the_reader_typed_is_escaped(site):
    html = site.get("/search/", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_nothing_found_says_so_and_suggests_what_to_do(site):
    assert "没有找到符合条件的文件" in site.get("/search/", params={"q": "不存在的词语组合"}).text


def test_the_header_search_box_keeps_the_query_on_the_results_page(site):
    html = site.get("/search/", params={"q": "基层组织"}).text
    box = re.search(r'<input id="portal-search-q"[^>]*>', html).group(0)
    assert 'value="基层组织"' in box
    assert 'value="' not in re.search(r'<input id="portal-search-q"[^>]*>', site.get("/regulations/").text).group(0)


def test_the_header_box_escapes_what_was_typed(site):
    html = site.get("/search/", params={"q": '"><script>x</script>'}).text
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html or 'value="&quot;&gt;&lt;script&gt;' in html
    assert "<script>x</script>" not in html


def test_the_form_filters_by_unit_including_the_units_below(site):
    html = site.get("/search/").text
    select = re.search(r'<select name="unit">(.*?)</select>', html, re.S).group(1)
    assert "组织单位（含下级单位）" in html and '<option value="130100">　石家庄市</option>' in select
    narrowed = site.get("/search/", params={"unit": "130100"}).text
    assert "组织单位：石家庄市 ✕" in narrowed and '<option value="130100" selected>' in narrowed
    assert "共找到 <strong>4</strong> 件" in narrowed  # 石家庄市 and 正定县 below it


def test_checking_two_types_sends_both_and_each_chip_removes_only_itself(site):
    html = site.get("/search/?type=regulation&type=policy").text  # two checked boxes
    assert 'value="regulation" checked' in html and 'value="policy" checked' in html
    assert "文件类型：党内法规 ✕" in html and "文件类型：政策文件 ✕" in html
    chips = {label: href for href, label in re.findall(r'<a href="([^"]+)" aria-label="取消([^"]+)">', html)}
    assert parse_qs(urlsplit(unescape(chips["文件类型：党内法规"])).query) == {"type": ["policy"]}
    assert parse_qs(urlsplit(unescape(chips["文件类型：政策文件"])).query) == {"type": ["regulation"]}


def test_a_facet_link_adds_a_value_and_a_chosen_one_removes_it(site):
    html = site.get("/search/", params={"type": "regulation"}).text
    facets = re.search(r'<aside class="portal-search-facets".*?</aside>', html, re.S).group(0)
    add = re.search(r'<a href="([^"]+)">政策文件（\d+）</a>', facets).group(1)
    assert parse_qs(urlsplit(unescape(add)).query) == {"type": ["regulation,policy"]}
    remove = re.search(r'<a href="([^"]+)" aria-current="true" title="取消这一条件">党内法规', facets).group(1)
    assert parse_qs(urlsplit(unescape(remove)).query) == {}


def test_results_can_be_sorted_by_relevance_publication_or_effective_date(site):
    html = site.get("/search/", params={"q": "基层组织", "sort": "effective"}).text
    assert '<strong aria-current="true">按施行日期</strong>' in html
    queries = [parse_qs(urlsplit(u).query) for u in links(html)]
    assert {"q": ["基层组织"]} in queries and {"q": ["基层组织"], "sort": ["date"]} in queries
    assert '<option value="effective" selected>按施行日期</option>' in html


@pytest.mark.parametrize("query", ["q=党&page=²", "q=党&page=①", "size=²", "q=%00", "from=2024-02-30"])
def test_bad_page_parameters_show_the_form_with_a_chinese_message_not_an_error_page(site, query):
    response = site.get("/search/?" + query)
    assert response.status_code == 422 and 'role="alert"' in response.text and "检索条件有误" in response.text

"""The search additions in a real browser (Debian Chromium), over the sample content in content/,
each test once with JavaScript off (360 px wide) and once with it on (1280 px): 文号 as people
type them, short names and terms found inside longer ones, the unit filter with the units below,
several values of a facet, the three sorts, removable chips, the header box keeping the query,
and the news feed announced in every page's head."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from test_search_api import site  # noqa: F401  (the server fixture, over this module's `build`)

from portal.cli import main as portal

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MODES = {"without-javascript": (False, 360), "with-javascript": (True, 1280)}


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-build")
    assert portal(["build", "--content", str(ROOT / "content"), "--today", "2026-06-01", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(params=MODES, scope="module")
def page(request, browser, site):  # noqa: F811
    javascript, width = MODES[request.param]
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900},
                                  base_url=str(site.base_url))
    yield context.new_page()
    context.close()


def search_from_header(page, text: str) -> None:
    page.goto("/")
    page.fill("#portal-search-q", text)
    page.press("#portal-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")


def hit_urls(page) -> list[str]:
    return page.locator(".portal-search-hits h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def follow(page, selector: str) -> None:
    """Click a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("spelling", ["冀发〔2024〕07号", "冀发2024年7号", "冀发〔2024〕7", "冀发〔２０２４〕７号"])
def test_a_document_number_typed_in_any_common_spelling_finds_that_document_first(page, spelling):
    search_from_header(page, spelling)
    assert hit_urls(page)[0] == "/regulations/fazhan-dangyuan-shishi-xize-2024/"
    assert "冀发〔2024〕7号" in page.locator(".portal-search-hits .portal-meta").first.inner_text()
    assert page.locator("#portal-search-q").input_value() == spelling  # the header box keeps it


def test_a_place_name_finds_every_document_that_mentions_it(page):
    search_from_header(page, "雄安")
    assert sorted(hit_urls(page)) == [
        "/consultations/xiongan-xinjian-shequ-dangjian-gongzuo-guize-zhengqiu-yijian/",
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/",
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/",
        "/news/posts/2026-11-18-xiongan-shuzhi-pingyi-kaohe-xin-banfa/",
        "/policies/xiongan-qiye-fuwu-zhuanyuan-shishi-fangan/",
        "/regulations/fazhan-dangyuan-shishi-xize-2024/",
        "/regulations/lilun-xuexi-zhongxinzu-xuexi-shishi-banfa/",
        "/regulations/xiongan-jiceng-shuji-shuzhi-kaohe-banfa/",
        "/regulations/xiongan-jiceng-shuji-zhua-dangjian-shuzhi-kaohe-banfa/"]
    assert "共找到 9 件" in page.locator("[role=status]").inner_text()
    assert fits_width(page)


def test_a_short_term_finds_the_documents_about_the_longer_one(page):
    search_from_header(page, "个人信息")
    assert hit_urls(page) == ["/policies/dangyuan-geren-xinxi-baohu-tongzhi/",  # 个人信息保护 in the title
                              "/news/posts/2025-09-16-dianzi-dangwu-xinxi-anquan-peixun/"]
    assert page.locator(".portal-search-hits h2 mark").first.inner_text() == "个人信息"


def test_a_term_finds_documents_where_it_starts_a_longer_word(page):
    search_from_header(page, "党务公开")
    found = hit_urls(page)
    assert len(found) == 6
    assert {"/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/",  # these say 党务公开栏 only
            "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/"} <= set(found)


def test_the_unit_filter_includes_the_counties_below_and_its_chip_removes_it(page):
    page.goto("/search/")
    page.select_option(".portal-search-form select[name=unit]", "130100")  # 石家庄市
    follow(page, ".portal-search-form button[type=submit]")
    assert query_of(page)["unit"] == ["130100"]
    assert page.locator(".portal-search-chips a").all_inner_texts() == ["组织单位：石家庄市 ✕"]
    found = hit_urls(page)
    # 13 documents of 石家庄市 and below (4 of them the sample congress, its report and resolution and a
    # research report of 石家庄市委组织部), newest first, 10 a page
    assert page.locator("[role=status] strong").first.inner_text() == "13" and len(found) == 10
    assert "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/" in found  # 正定县
    assert not [url for url in found if "xiongan" in url or "baoding" in url]
    follow(page, ".portal-search-chips a")
    assert urlsplit(page.url).path == "/search/" and "unit" not in query_of(page)
    assert page.locator(".portal-search-chips").count() == 0


def test_two_types_are_either_one_and_a_second_facet_narrows_both(page):
    page.goto("/search/?q=%E5%85%9A%E5%91%98")  # 党员
    page.check(".portal-search-form input[name=type][value=regulation]")
    page.check(".portal-search-form input[name=type][value=policy]")
    follow(page, ".portal-search-form button[type=submit]")
    assert query_of(page)["type"] == ["regulation", "policy"]
    assert page.locator(".portal-search-chips a").all_inner_texts() == ["文件类型：党内法规 ✕", "文件类型：政策文件 ✕"]
    both = hit_urls(page)
    assert both and all(url.startswith(("/regulations/", "/policies/")) for url in both)
    assert any(url.startswith("/regulations/") for url in both) and any(url.startswith("/policies/") for url in both)
    follow(page, ".portal-search-facets a:text-matches('^中共邯郸市委')")  # 制定机关: AND across facets
    assert hit_urls(page) == ["/policies/handan-kunnan-dangyuan-lao-dangyuan-guanhuai-bangfu-yijian/"]
    follow(page, ".portal-search-chips a[aria-label='取消文件类型：党内法规']")
    assert query_of(page)["type"] == ["policy"] and "issuer" in query_of(page)
    assert page.locator(".portal-search-chips a").count() == 2


def test_results_sort_by_publication_date_and_by_effective_date(page):
    page.goto("/search/?unit=130100")  # no words: newest published first
    assert page.locator("[role=status] strong[aria-current]").inner_text() == "按发布日期"
    assert hit_urls(page)[:2] == ["/news/posts/2026-10-30-zhengding-xiuding-yishi-guize/",
                                  "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/"]
    page.select_option(".portal-search-form select[name=sort]", "effective")
    follow(page, ".portal-search-form button[type=submit]")
    assert query_of(page)["sort"] == ["effective"]
    assert hit_urls(page)[:5] == ["/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/",
                                  "/policies/shijiazhuang-shequ-wangge-zhili-shishi-fangan/",
                                  "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/",
                                  "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/",
                                  "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/"]
    assert "2026-12-01 施行" in page.locator(".portal-search-hits .portal-meta").first.inner_text()
    lines = page.locator(".portal-search-hits .portal-search-date").evaluate_all(
        "dates => dates.map(d => d.getClientRects().length)")
    assert len(lines) == 15 and set(lines) == {1}  # 5 × (发布, 施行) + 5 other dates: none broken over lines
    assert hit_urls(page)[5].startswith(("/news/", "/consultations/"))  # no 施行日期: last
    follow(page, "[role=status] a:text-is('按发布日期')")
    assert query_of(page) == {"unit": ["130100"], "sort": ["date"]}


def test_a_search_with_words_ranks_by_relevance_until_another_sort_is_chosen(page):
    search_from_header(page, "议事规则")
    assert page.locator("[role=status] strong[aria-current]").inner_text() == "按相关度"
    follow(page, "[role=status] a:text-is('按施行日期')")
    assert hit_urls(page) == ["/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/",
                              "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/",
                              "/news/posts/2026-10-30-zhengding-xiuding-yishi-guize/"]
    follow(page, "[role=status] a:text-is('按相关度')")
    assert query_of(page) == {"q": ["议事规则"]}


def test_the_header_box_keeps_the_query_after_a_filter_is_chosen(page):
    search_from_header(page, "发展党员")
    follow(page, ".portal-search-facets a:text-matches('^有效')")
    assert query_of(page)["validity"] == ["effective"]
    assert page.locator("#portal-search-q").input_value() == "发展党员"
    assert page.locator(".portal-search-form input[name=q]").input_value() == "发展党员"


@pytest.mark.parametrize("path", ["/", "/news/", "/regulations/fazhan-dangyuan-shishi-xize-2024/", "/search/?q=党"])
def test_every_page_announces_the_news_feed_and_the_link_leads_to_it(page, site, path):  # noqa: F811
    page.goto(path)
    feed = page.locator("head link[rel=alternate][type='application/rss+xml']")
    assert feed.count() == 1 and feed.get_attribute("title").endswith("新闻")
    address = page.evaluate("document.querySelector('link[rel=alternate]').href")
    response = site.get(address)
    assert response.status_code == 200 and "<rss" in response.text
    assert "<title>全省电子党务平台信息安全培训班举办</title>" in response.text


def test_a_reader_narrows_a_search_opens_an_article_and_comes_back_to_the_same_results(page):
    """Journey 1: 党员教育 → 党内法规 that are 有效 → one 制定机关 → a result → one of its articles → back."""
    search_from_header(page, "党员教育")
    page.check(".portal-search-form input[name=type][value=regulation]")
    page.check(".portal-search-form input[name=validity][value=effective]")
    follow(page, ".portal-search-form button[type=submit]")
    issuer = page.locator(".portal-search-facets h2:text-is('制定机关') + ul a").first
    label = issuer.inner_text()  # e.g. 中共石家庄市委（1）
    count = int(label.rsplit("（", 1)[1].rstrip("）"))
    follow(page, f".portal-search-facets a:text-is('{label}')")
    results, chips = hit_urls(page), page.locator(".portal-search-chips a").all_inner_texts()
    assert len(results) == count and all(url.startswith("/regulations/") for url in results)
    assert chips == ["文件类型：党内法规 ✕", "时效性：有效 ✕", f"制定机关：{label.rsplit('（', 1)[0]} ✕"]
    searched = page.url

    follow(page, ".portal-search-hits h2 a >> nth=0")
    assert urlsplit(page.url).path == results[0]
    article = page.locator("article a[href^='#第'][href$='条']").first
    anchor = article.get_attribute("href")
    article.click()
    page.wait_for_function("location.hash !== ''")
    target = page.evaluate("decodeURIComponent(location.hash)")
    assert target == anchor
    assert page.locator(":target").first.inner_text().startswith(anchor[1:]), "the article itself is the target"

    while urlsplit(page.url).path != "/search/":
        page.go_back()
    assert page.url == searched
    assert hit_urls(page) == results and page.locator(".portal-search-chips a").all_inner_texts() == chips


@pytest.mark.parametrize("path", ["/", "/regulations/fazhan-dangyuan-shishi-xize-2024/", "/search/?q=党员教育"])
def test_a_page_loads_without_a_failed_request_or_a_console_error(page, path):
    """Found by Lighthouse: the theme fetched news/sitemap.xml beside the feed's link and got a 404."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert problems == []

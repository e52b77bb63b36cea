"""What a reader finds in the built site (fixture content as of 2026-06-01)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote
from xml.etree import ElementTree as ET

import pytest


def page(build: Path, url: str) -> str:
    return (build / "site" / unquote(url) / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The main content only (the nav and header repeat on every page)."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, "page has no article"
    return match.group(1)


def titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', article(html))


def test_regulations_are_listed_by_level(built_fixture):
    assert sorted(titles(page(built_fixture, "regulations/level/规定"))) == [
        "基层组织工作规定", "基层组织工作规定（2020年修订）", "基层组织工作规定（2026年修订）"]
    assert titles(page(built_fixture, "regulations/level/细则")) == ["正定县党组织选举工作细则"]


def test_regulations_are_listed_by_validity(built_fixture):
    assert titles(page(built_fixture, "regulations/validity/repealed")) == ["机关党建工作办法"]
    assert titles(page(built_fixture, "regulations/validity/amended")) == ["基层组织工作规定"]
    assert sorted(titles(page(built_fixture, "regulations/validity/not_yet_effective"))) == [
        "基层组织工作规定（2026年修订）", "正定县党组织选举工作细则"]


def test_regulations_are_listed_by_issuer_and_year(built_fixture):
    assert titles(page(built_fixture, "regulations/issuer/130100")) == ["机关党建工作办法（新）", "机关党建工作办法"]
    assert sorted(titles(page(built_fixture, "regulations/year/2026"))) == [
        "基层组织工作规定（2026年修订）", "正定县党组织选举工作细则"]
    index = article(page(built_fixture, "regulations"))
    assert "中共正定县委" in index and "2010年" in index


def test_policies_are_listed_by_category_and_year(built_fixture):
    assert titles(page(built_fixture, "policies/category/人才工作")) == ["关于加强基层人才工作的意见"]
    assert titles(page(built_fixture, "policies/year/2024")) == ["关于加强基层人才工作的意见"]


def test_each_unit_page_lists_its_documents_and_links_parent_and_children(built_fixture):
    html = article(page(built_fixture, "units/130100"))
    assert "机关党建工作办法（新）" in html
    assert 'href="../130000/"' in html and 'href="../130123/"' in html
    assert "基层人才" not in html  # issued by 保定市


def test_a_regulation_page_shows_metadata_and_version_history(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2020"))
    assert "<th scope=\"row\">文号</th><td>冀发〔2020〕8号</td>" in html
    assert "<th scope=\"row\">效力位阶</th><td>规定（党内法规）</td>" in html
    assert 'portal-badge--effective">有效' in html
    chain = html[html.index("版本沿革"):html.index("</ol>")]
    assert re.search(r'<a href="../zuzhi-gongzuo-2015/">基层组织工作规定</a> <span[^>]*>已修改', chain)
    assert re.search(r'<strong>基层组织工作规定（2020年修订）</strong>（本文件） <span[^>]*>有效', chain)
    assert re.search(r'<a href="../zuzhi-gongzuo-2026/">基层组织工作规定（2026年修订）</a> <span[^>]*>尚未生效', chain)
    assert chain.index("zuzhi-gongzuo-2015") < chain.index("（本文件）") < chain.index("zuzhi-gongzuo-2026")


def test_articles_have_stable_anchors_for_citations(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2015"))
    assert '<a id="第十二条" class="article-anchor" href="#第十二条"' in html
    assert html.index('id="第一条"') < html.index('id="第二条"') < html.index('id="第十二条"')


def test_the_home_page_is_a_portal(built_fixture):
    html = article(page(built_fixture, ""))
    sections = {h: html.index(h) for h in ("新闻要闻", "即将施行", "近期施行", "正在征求意见", "网络调查")}
    assert "省委召开全面从严治党工作会议" in html
    soon = html[sections["即将施行"]:sections["近期施行"]]
    assert "基层组织工作规定（2026年修订）" in soon and "2026年7月1日施行" in soon
    consulting = html[sections["正在征求意见"]:sections["网络调查"]]
    assert "党务公开办法（征求意见稿）" in consulting and "2026年6月30日截止" in consulting
    assert "理论学习规则" not in consulting  # closed in January
    assert "党务公开满意度调查" in html[sections["网络调查"]:]
    for label, href in (("我要信访", "petition/"), ("办理进度查询", "petition/track/"), ("意见反馈", "feedback/")):
        assert re.search(rf'<a class="md-button[^"]*" href="{href}">{label}</a>', html)


def test_consultations_are_grouped_by_state(built_fixture):
    html = article(page(built_fixture, "consultations"))
    assert html.index("征求中") < html.index("党务公开办法") < html.index("已结束") < html.index("理论学习规则")
    draft = article(page(built_fixture, "consultations/jiandu-banfa"))
    assert "征求中" in draft and 'id="第二条"' in draft


def test_the_chronicle_is_a_timeline_per_year(built_fixture):
    html = article((built_fixture / "site/chronicle/2026/index.html").read_text(encoding="utf-8"))
    assert html.index("1月15日") < html.index("3月2日")
    assert "中共河北省委" in html


def test_news_has_an_rss_feed(built_fixture):
    feed = ET.parse(built_fixture / "site/news/rss.xml").getroot()
    items = feed.findall("channel/item")
    assert [i.findtext("title") for i in items] == ["省委召开全面从严治党工作会议", "竞秀区开展党员志愿服务活动"]
    assert items[0].findtext("link").endswith("/news/posts/huiyi-2026/")


def test_news_has_an_index_category_and_yearly_archive_pages(built_fixture):
    post = article(page(built_fixture, "news/posts/huiyi-2026"))
    assert "会议强调" in post and "2026年5月20日 · 要闻 · 中共河北省委" in post
    index = article(page(built_fixture, "news"))
    assert index.index("省委召开全面从严治党工作会议") < index.index("竞秀区开展党员志愿服务活动")  # newest first
    assert f'href="{quote("category/要闻/")}"' in index and 'href="archive/2025/"' in index
    assert titles(page(built_fixture, "news/category/要闻")) == ["省委召开全面从严治党工作会议"]
    assert titles(page(built_fixture, "news/archive/2025")) == ["竞秀区开展党员志愿服务活动"]
    assert not (built_fixture / "site/news/category/通知公告").exists()  # no empty listings


def test_the_registry_gives_functions_units_surveys_and_consultation_windows(built_fixture):
    registry = json.loads((built_fixture / "registry.json").read_text(encoding="utf-8"))
    assert {u["code"] for u in registry["units"]} >= {"130000", "130123"}
    assert registry["surveys"]["manyidu"]["unit"] == "130000"  # resolved from the name 河北省
    window = registry["consultations"]["jiandu-banfa"]
    assert (window["opens"], window["closes"], window["articles"]) == ("2026-05-01", "2026-06-30", ["第一条", "第二条", "第三条"])


def test_an_open_survey_page_carries_its_form_with_rules_and_conditions(built_fixture):
    html = article(page(built_fixture, "surveys/manyidu"))
    assert "进行中" in html and 'action="/forms/surveys/manyidu/responses"' in html
    assert "最多选 2 项" in html and "（第 1 题回答“党员”时回答本题）" in html
    assert html.count('type="radio" name="answers.score"') == 5


EXTERNAL = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//([^"'\s)]*)""", re.I)
# The footer's filing numbers link (a click away, nothing loaded) to their official registries.
FILING_REGISTRIES = ('href="https://beian.miit.gov.cn/', 'href="https://www.beian.gov.cn/portal/registerSystemInfo')


def test_the_built_site_loads_nothing_from_outside(built_fixture):
    offenders = []
    for path in (built_fixture / "site").rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path.name}: {m.group(0)}" for m in EXTERNAL.finditer(text)
                          if not m.group(0).startswith(FILING_REGISTRIES)]
            if "fonts.googleapis" in text or "fonts.gstatic" in text:
                offenders.append(f"{path.name}: web font")
    assert offenders == []


def test_pages_print_without_navigation(built_fixture):
    css = (built_fixture / "site/assets/portal.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".md-header" in print_rules and ".md-sidebar" in print_rules and "display: none" in print_rules
    assert 'href="../../assets/portal.css"' in page(built_fixture, "regulations/zuzhi-gongzuo-2015")


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (50, 1), (51, 2), (100, 2), (101, 3)])
def test_long_listings_are_paginated_with_previous_and_next_links(count, pages):
    from site_builder.pages.common import paginate

    out = list(paginate("regulations/year/2020", "标题", "", [f"文件{i}" for i in range(count)],
                        render=lambda item, uri: f"- {item}", page_size=50))
    assert len(out) == pages
    shown = [line for p in out for line in p.markdown.splitlines() if line.startswith("- 文件")]
    assert shown == [f"- 文件{i}" for i in range(count)]  # every item once, in order
    if count == 0:
        assert "暂无文件。" in out[0].markdown
    if pages > 1:
        assert "[下一页](2.md)" in out[0].markdown and "上一页" not in out[0].markdown
        assert "[上一页](index.md)" in out[1].markdown
        assert f"第 {pages} / {pages} 页" in out[-1].markdown and "下一页" not in out[-1].markdown


@pytest.mark.parametrize("from_uri, to_uri, expected", [
    ("regulations/level/规定/index.md", "regulations/x.md", "../../x.md"),
    ("regulations/index.md", "regulations/x.md", "x.md"),
    ("index.md", "news/posts/a.md", "news/posts/a.md"),
    ("units/130100/2.md", "units/130000/index.md", "../130000/index.md"),
    ("news/category/要闻/index.md", "news/category/要闻/2.md", "2.md"),
    ("news/archive/2025/3.md", "news/archive/2025/index.md", "index.md"),
    ("a/b/c.md", "a/b", "."),
    ("a/b/c.md", "a", ".."),
])
def test_listing_links_are_relative_to_the_listing_page(from_uri, to_uri, expected):
    from site_builder.pages.common import link

    assert link(from_uri, to_uri) == expected

"""What a reader finds of the committees' databases in the built site and in search: the 代表大会 and
调研成果 sections, their listings by unit, year and topic, the links from a unit's page, each
congress's sessions and documents, each report's related rules; and both search engines finding
them by type, unit and year under Chinese labels."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from search_index.engine import open_engine
from search_index.indexer import build_index
from search_index.request import parse_request
from site_builder.loader import load_content
from tests.conftest import FIXTURE_TODAY
from tests.unit.build_support import build, differences
from tests.unit.database_support import write_database_content
from tests.unit.test_fast_pages import mkdocs_alone_config

PROVINCE, CITY = "中国共产党河北省第十次代表大会", "中国共产党石家庄市第十一次代表大会"
JIGUAN, RENCAI = "关于机关党建工作办法执行情况的调研报告", "保定市基层人才队伍状况调研报告"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return write_database_content(tmp_path_factory.mktemp("databases") / "content")


@pytest.fixture(scope="module")
def built(content, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("databases-build")
    assert build(content, out) == 0
    return out


def article(built: Path, url: str) -> str:
    html = (built / "site" / unquote(url) / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, f"{url} has no article"
    return match.group(1)


def titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_congress_section_lists_every_congress_newest_first_with_unit_date_and_delegates(built):
    page = article(built, "congresses")
    assert "共收录代表大会 2 次。" in page
    assert titles(page)[-2:] == [PROVINCE, CITY]
    assert "河北省 · 2026年4月20日开幕 · 代表 760 名" in page
    assert "石家庄市 · 2025年3月10日开幕 · 代表 420 名" in page
    assert re.findall(r'<li><a href="([^"]+)">(河北省|石家庄市|2026年|2025年)</a>（1）', page) == [
        ("unit/130000/", "河北省"), ("unit/130100/", "石家庄市"), ("year/2026/", "2026年"), ("year/2025/", "2025年")]


def test_congresses_are_listed_per_unit_and_per_year(built):
    assert titles(article(built, "congresses/unit/130000")) == [PROVINCE]
    assert "共 1 次。" in article(built, "congresses/unit/130000")
    assert titles(article(built, "congresses/unit/130100")) == [CITY]
    assert titles(article(built, "congresses/year/2025")) == [CITY]
    assert "<h1" in article(built, "congresses/year/2026") and "2026年召开的代表大会" in article(built, "congresses/year/2026")


def test_research_reports_are_listed_by_topic_unit_and_year(built):
    page = article(built, "research")
    assert "共收录调研成果 2 篇。" in page
    assert titles(page)[-2:] == [JIGUAN, RENCAI]
    assert "石家庄市 · 机关党建 · 2026年5月10日" in page
    assert titles(article(built, "research/topic/人才工作")) == [RENCAI]
    assert "共 1 篇。" in article(built, "research/topic/人才工作")
    assert titles(article(built, "research/unit/130600")) == [RENCAI]
    assert titles(article(built, "research/year/2026")) == [JIGUAN]


def test_a_units_page_links_to_its_congresses_and_research_and_lists_them(built):
    page = article(built, "units/130100")
    assert '本单位的代表大会：<a href="../../congresses/unit/130100/">1 次</a>。' in page
    assert '本单位的调研成果：<a href="../../research/unit/130100/">1 篇</a>。' in page
    assert CITY in titles(page) and JIGUAN in titles(page)
    assert "本单位的代表大会" not in article(built, "units/130600")  # 保定市 has research only
    assert '本单位的调研成果：<a href="../../research/unit/130600/">1 篇</a>。' in article(built, "units/130600")


def test_a_congress_page_shows_its_sessions_delegates_and_documents_report_first(built):
    page = article(built, "congresses/sheng-shi")
    words = text(page)
    assert "会期 2026年4月20日至2026年4月24日" in words
    assert "会议安排 预备会议：2026年4月20日，河北会堂 大会：2026年4月21日至2026年4月24日，河北会堂" in words
    assert "代表人数 760 名" in words
    assert re.findall(r'<li>(报告|决议)：<a href="([^"]+)">([^<]+)</a></li>', page) == [
        ("报告", "../../news/posts/shengdaihui-baogao/", "省第十次党代会工作报告摘要"),
        ("决议", "../../news/posts/shengdaihui-jueyi/", "省第十次党代会关于省委报告的决议")]
    assert "大会听取和审议省委工作报告" in words


def test_a_research_page_shows_its_unit_topic_date_and_related_rules_with_their_validity(built):
    page = article(built, "research/rencai-diaoyan")
    assert "调研单位 保定市 调研主题 人才工作 完成日期 2025年8月1日" in text(page)
    related = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="portal-badge[^"]*">([^<]+)</span></li>', page)
    assert related == [("../../policies/rencai-2024/", "关于加强基层人才工作的意见", "有效"),
                       ("../../regulations/zuzhi-gongzuo-2026/", "基层组织工作规定（2026年修订）", "尚未生效")]


def test_both_sections_are_in_the_site_navigation(built):
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="congresses/"[^>]*>\s*代表大会', home)
    assert re.search(r'href="research/"[^>]*>\s*调研成果', home)


@pytest.fixture(scope="module", params=("whoosh", "fts5"))
def engine(request, content, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"databases-{request.param}") / "search-index"
    build_index(load_content(content, FIXTURE_TODAY), out, engine=request.param)
    return open_engine(out)


def search(engine, **params):
    return engine.search(parse_request({k: str(v) for k, v in params.items()}))


def test_search_finds_congresses_by_type_with_their_chinese_label(engine):
    result = search(engine, type="congress")
    assert [(h.title, h.type_label, h.date) for h in result.hits] == [
        (PROVINCE, "代表大会", "2026-04-20"), (CITY, "代表大会", "2025-03-10")]
    types = {f.value: (f.label, f.count) for f in result.facets["type"]}
    assert types["congress"] == ("代表大会", 2) and types["research"] == ("调研成果", 2)
    assert [f.label for f in result.filters] == ["代表大会"]


def test_search_finds_research_by_words_unit_and_year(engine):
    assert [h.title for h in search(engine, q='"组织生活记录"').hits] == [JIGUAN]
    assert [h.title for h in search(engine, type="research", unit="130600").hits] == [RENCAI]
    assert [h.title for h in search(engine, type="research,congress", year="2025").hits] == [RENCAI, CITY]


def test_the_fast_paths_give_the_congress_and_research_pages_mkdocs_renders_on_its_own(content, built, tmp_path):
    config = mkdocs_alone_config(content, tmp_path / "alone", tmp_path)
    env = dict(os.environ, PORTAL_TODAY=FIXTURE_TODAY.isoformat(), NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([str(Path(sys.executable).with_name("mkdocs")), "build", "-q", "-f", str(config)],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert differences(built / "site", tmp_path / "alone") == []


def test_renaming_a_resolution_rebuilds_the_congress_page_that_links_it(content, tmp_path):
    changed = shutil.copytree(content, tmp_path / "content")
    out = tmp_path / "out"
    assert build(changed, out) == 0
    resolution = changed / "news/posts/shengdaihui-jueyi.md"
    resolution.write_text(resolution.read_text(encoding="utf-8").replace(
        "title: 省第十次党代会关于省委报告的决议", "title: 省第十次党代会决议（全文）"), encoding="utf-8")
    assert build(changed, out) == 0
    page = article(out, "congresses/sheng-shi")
    assert ("决议", "../../news/posts/shengdaihui-jueyi/", "省第十次党代会决议（全文）") in re.findall(
        r'<li>(报告|决议)：<a href="([^"]+)">([^<]+)</a></li>', page)
    assert build(changed, tmp_path / "fresh", "--no-cache") == 0
    assert differences(out / "site", tmp_path / "fresh" / "site") == []

"""Document pages in full: the whole version chain on every version, the version in force named at
the top of a superseded one, a link to copy beside every article, a print button, and a closed
draft's comment counts with its adoption report (fixture content as of 2026-06-01)."""

from __future__ import annotations

import datetime as dt
import re

from site_builder.loader import load_content
from site_builder.pages.document import document_head
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY
from tests.unit.test_built_site import article, page

CHAIN = ["zuzhi-gongzuo-2015", "zuzhi-gongzuo-2020", "zuzhi-gongzuo-2026"]


def chain_of(html: str) -> list[tuple[str, str]]:
    """(title, badge) of each version listed, in order."""
    block = html[html.index("版本沿革"):html.index("</ol>")]
    return re.findall(r"<li[^>]*>(?:<a [^>]+>|<strong>)([^<]+)</(?:a|strong)>(?:（本文件）)? "
                      r'<span class="portal-badge[^"]*">([^<]+)</span>', block)


def test_every_version_lists_the_whole_chain_in_order_with_its_validity(built_fixture):
    expected = [("基层组织工作规定", "已修改"), ("基层组织工作规定（2020年修订）", "有效"),
                ("基层组织工作规定（2026年修订）", "尚未生效")]
    for slug in CHAIN:
        html = article(page(built_fixture, f"regulations/{slug}"))
        assert chain_of(html) == expected, slug


def test_the_chain_marks_the_version_being_read_and_links_the_others(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2026"))
    assert '<li aria-current="page"><strong>基层组织工作规定（2026年修订）</strong>（本文件）' in html
    assert '<a href="../zuzhi-gongzuo-2015/">基层组织工作规定</a>' in html
    assert "修改《基层组织工作规定（2020年修订）》" in html


def test_a_superseded_version_names_the_version_in_force_before_anything_else(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2015"))
    notice = re.search(r'<p class="portal-superseded"[^>]*>(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", notice) == "本文件已修改。现行有效版本：基层组织工作规定（2020年修订）（2020年6月1日起施行）"
    assert 'href="../zuzhi-gongzuo-2020/"' in notice
    assert html.index("portal-superseded") < html.index("portal-metadata")
    repealed = article(page(built_fixture, "regulations/jiguan-banfa-2010"))
    assert "本文件已废止</strong>。现行有效版本：<a href=\"../jiguan-banfa-2021/\"" in repealed


def test_the_version_in_force_says_when_its_successor_takes_effect(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2020"))
    assert "新版本<a href=\"../zuzhi-gongzuo-2026/\">基层组织工作规定（2026年修订）</a>将于2026年7月1日起施行" in html
    assert "portal-superseded" not in html


def test_a_document_without_other_versions_has_no_chain(built_fixture):
    html = article(page(built_fixture, "regulations/xuanju-xize-2026"))
    assert "版本沿革" not in html and "portal-superseded" not in html


def test_every_article_ends_with_a_plain_link_to_copy(built_fixture):
    html = article(page(built_fixture, "regulations/zuzhi-gongzuo-2015"))
    links = re.findall(r'<a class="portal-copy-link" href="#(第[^"]+条)"[^>]*>复制本条链接</a></p>', html)
    assert len(links) == 12 and links[0] == "第一条" and links[-1] == "第十二条"


def test_the_print_button_is_hidden_until_the_script_shows_it(built_fixture):
    html = page(built_fixture, "regulations/zuzhi-gongzuo-2015")
    assert ('<p class="portal-doc-tools" data-doc-tools hidden>'
            '<button type="button" class="md-button" data-print-document>打印</button>') in html
    assert 'src="../../assets/document.js"' in html and 'href="../../assets/document.css"' in html


def test_a_closed_draft_shows_the_comments_each_article_received_and_links_the_report(built_fixture):
    html = article(page(built_fixture, "consultations/xuexi-guize"))
    results = html[html.index('class="portal-results"'):]
    assert "共收到意见 3 条，其中采纳 2 条、不予采纳 1 条（截至2026年2月3日）。" in results
    rows = re.findall(r'<tr><th scope="row">(?:<a href="#[^"]+">)?([^<]+)(?:</a>)?</th><td>(\d+) 条</td></tr>', results)
    assert rows == [("第一条", "0"), ("第二条", "2"), ("第三条", "0"), ("对征求意见稿整体的意见", "1")]
    assert '<a href="../../reports/xuexi-guize-adoption/" data-adoption-report>' in results


def test_the_adoption_report_lists_decisions_and_reasons_but_no_names_or_contacts(built_fixture):
    html = article(page(built_fixture, "reports/xuexi-guize-adoption"))
    assert "处理结果：<strong>不予采纳</strong>" in html and "处理结果：<strong>采纳</strong>" in html
    assert "理由：基层负担较重，每季度一次已能满足学习需要。" in html
    for personal in ("王小明", "赵六", "钱七", "13912345678", "13800000001"):
        assert personal not in html
    assert '<a href="../../consultations/xuexi-guize/">查看征求意见稿</a>' in html


def test_a_closed_draft_without_a_report_says_the_results_are_being_compiled():
    content = load_content(FIXTURE_CONTENT, today=dt.date(2026, 7, 5))  # jiandu-banfa closed on 6月30日
    head = document_head(content, content.documents["consultations/jiandu-banfa.md"])
    assert "征求意见已结束，意见采纳情况正在整理，整理完成后将在本页公布。" in head
    assert "data-adoption-report" not in head


def test_an_open_draft_shows_no_results_yet(built_fixture):
    html = article(page(built_fixture, "consultations/jiandu-banfa"))
    assert "征求中" in html and "portal-results" not in html


def test_counts_edited_by_hand_into_nonsense_are_an_error_at_their_line(content_copy):
    from site_builder.links import check_content

    report = content_copy / "reports" / "xuexi-guize-adoption.md"
    report.write_text(report.read_text(encoding="utf-8").replace("  total: 3", "  total: 三"), encoding="utf-8")
    problems = [str(p) for p in check_content(content_copy, today=FIXTURE_TODAY).problems]
    assert problems == ["reports/xuexi-guize-adoption.md:3: counts: 意见数统计无法读取：请不要手改，"
                        "重新运行 portal consultation report 生成"]

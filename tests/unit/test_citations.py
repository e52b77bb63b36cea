"""Citations in a document's text lead to the cited document and article when the portal has them;
`portal check` warns about a cited article that does not exist."""

from __future__ import annotations

from pathlib import Path

from site_builder.checks import citation_warnings
from site_builder.citations import CitationIndex, link_citations
from site_builder.loader import load_content
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY
from tests.unit.build_support import build

CITING = "regulations/zuzhi-gongzuo-2020.md"  # cites 《基层组织工作规定》第十二条 and 本规定第二条


def linked(html: str, content_root: Path = FIXTURE_CONTENT, path: str = CITING) -> str:
    content = load_content(content_root, today=FIXTURE_TODAY)
    return link_citations(CitationIndex(content), content.documents[path], html)


def test_a_title_and_article_of_a_portal_document_link_to_that_article():
    out = linked("<p>按照《基层组织工作规定》第十二条执行。</p>")
    assert out == ('<p>按照<a class="portal-citation" href="../zuzhi-gongzuo-2015/#第十二条" '
                   'title="《基层组织工作规定》第十二条">《基层组织工作规定》第十二条</a>执行。</p>')


def test_a_title_alone_links_to_the_document():
    out = linked("<p>参照《机关党建工作办法（新）》。</p>")
    assert '<a class="portal-citation" href="../jiguan-banfa-2021/" title="《机关党建工作办法（新）》">' in out


def test_an_article_the_cited_document_does_not_have_is_not_linked_but_the_title_is():
    out = linked("<p>按照《基层组织工作规定》第九十条执行。</p>")
    assert ('<a class="portal-citation" href="../zuzhi-gongzuo-2015/" title="《基层组织工作规定》">'
            "《基层组织工作规定》</a>第九十条执行。") in out


def test_a_document_the_portal_does_not_have_stays_plain_text():
    html = "<p>根据《中国共产党纪律处分条例》第二十条处理。</p>"
    assert linked(html) == html


def test_this_regulations_own_article_links_to_its_anchor_and_a_missing_one_does_not():
    out = linked("<p>本规定第二条所称考核；本规定第九十条。</p>")
    assert out == ('<p><a class="portal-citation" href="#第二条" title="本文件第二条">本规定第二条</a>所称考核；'
                   "本规定第九十条。</p>")


def test_citations_inside_links_headings_and_code_are_left_alone():
    html = ('<h2 id="x">《基层组织工作规定》第十二条</h2>\n<p><a href="../x/">《基层组织工作规定》第十二条</a>'
            "<code>本规定第二条</code></p>")
    assert linked(html) == html


def test_a_cited_title_shared_by_several_versions_means_the_one_in_force(content_copy):
    (content_copy / "regulations" / "zuzhi-gongzuo-2020.md").write_text(
        (content_copy / "regulations" / "zuzhi-gongzuo-2020.md").read_text(encoding="utf-8")
        .replace("title: 基层组织工作规定（2020年修订）", "title: 基层组织工作规定"), encoding="utf-8")
    out = linked("<p>见《基层组织工作规定》第一条。</p>", content_copy, "regulations/jiguan-banfa-2021.md")
    assert 'href="../zuzhi-gongzuo-2020/#第一条"' in out  # 2020 is in force; 2015 is amended


def broken_citation(content: Path) -> Path:
    path = content / "regulations" / "jiguan-banfa-2021.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n第三条　依照《基层组织工作规定》第三十条和本办法第九条办理。\n",
                    encoding="utf-8")
    return path


def test_check_warns_with_path_and_line_about_each_cited_article_that_does_not_exist(content_copy):
    broken_citation(content_copy)
    warnings = [str(w) for w in citation_warnings(load_content(content_copy, today=FIXTURE_TODAY))]
    assert warnings == [
        "regulations/jiguan-banfa-2021.md:15: 正文: 引用的《基层组织工作规定》（regulations/zuzhi-gongzuo-2015.md）"
        "中没有第三十条（共 12 条），这处引用不会加链接",
        "regulations/jiguan-banfa-2021.md:15: 正文: 引用的本文件中没有第九条（共 3 条），这处引用不会加链接",
    ]


def test_the_sample_and_fixture_content_cite_only_articles_that_exist():
    assert citation_warnings(load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY)) == []
    assert citation_warnings(load_content(Path(__file__).parents[2] / "content", today=FIXTURE_TODAY)) == []


def test_portal_check_prints_the_warning_and_still_passes(content_copy, capsys):
    from portal.cli import main

    broken_citation(content_copy)
    assert main(["check", "--content", str(content_copy), "--today", FIXTURE_TODAY.isoformat()]) == 0
    captured = capsys.readouterr()
    assert "regulations/jiguan-banfa-2021.md:15: 正文: 引用的本文件中没有第九条" in captured.err
    assert "提醒，不影响构建" in captured.err and "校验通过" in captured.out


def test_a_kept_page_is_built_again_when_the_article_it_cites_disappears(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build(content_copy, out) == 0
    page = out / "site" / "regulations" / "zuzhi-gongzuo-2020" / "index.html"
    assert 'href="../zuzhi-gongzuo-2015/#第十二条"' in page.read_text(encoding="utf-8")
    cited = content_copy / "regulations" / "zuzhi-gongzuo-2015.md"
    cited.write_text(cited.read_text(encoding="utf-8").replace("\n\n第十二条　基层党组织应当定期召开组织生活会。", ""),
                     encoding="utf-8")
    assert build(content_copy, out) == 0
    html = page.read_text(encoding="utf-8")
    assert "#第十二条" not in html
    assert '<a class="portal-citation" href="../zuzhi-gongzuo-2015/" title="《基层组织工作规定》">' in html

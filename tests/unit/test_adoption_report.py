"""An editor gets a ready page saying what the public proposed on a draft and what became of it."""

from __future__ import annotations

import datetime as dt
import html
import re

import markdown
import pytest

from functions.reports.adoption_report import adoption_report
from site_builder.loader import load_content
from site_builder.registry import ConsultationWindow
from site_builder.sources import split_front_matter
from tests.conftest import FIXTURE_TODAY

WINDOW = ConsultationWindow(id="jiandu-banfa", title="党务公开办法（征求意见稿）", unit="130000",
                            opens=dt.date(2026, 5, 1), closes=dt.date(2026, 6, 30),
                            url="consultations/jiandu-banfa/",
                            articles=["第一条", "第二条", "第九条", "第十条", "第一百条"])
AFTER_CLOSE = dt.date(2026, 7, 2)
# The Markdown extensions of mkdocs.yml: attr_list and md_in_html widen what text could inject.
EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]


def comment(body: str, article: str | None = None, decision: str | None = None, reason: str | None = None,
            received: str = "2026-05-10T02:00:00+00:00", **extra) -> dict:
    return {"consultation": "jiandu-banfa", "article": article, "body": body, "name": extra.get("name"),
            "contact": extra.get("contact", {}), "status": "received", "received": received,
            "decision": decision, "reason": reason}


def report(*comments: dict, today: dt.date = AFTER_CLOSE) -> str:
    return adoption_report(WINDOW, list(comments), today)


def rendered(markdown_text: str) -> str:
    return markdown.markdown(split_front_matter(markdown_text).body, extensions=EXTENSIONS)


def test_the_report_is_a_plain_page_whose_front_matter_holds_its_title_and_the_counts():
    source = split_front_matter(report(comment("建议增加公开时限。"), comment("甲", "第二条", "adopted", "可行"),
                                       comment("乙", "第二条", "rejected", "不可行"), comment("丙", "第十条")))
    assert source.front_matter.data == {
        "title": "《党务公开办法（征求意见稿）》意见采纳情况",
        "counts": {"as_of": "2026-07-02", "total": 4, "adopted": 1, "rejected": 1, "pending": 2,
                     "by_article": {"第二条": 2, "第十条": 1}, "general": 1}}
    assert "征求意见时间：2026年5月1日至2026年6月30日" in source.body


def test_a_report_written_to_content_reports_is_a_page_not_a_consultation(content_copy):
    (content_copy / "reports").mkdir(exist_ok=True)
    (content_copy / "reports" / "jiandu-banfa-adoption.md").write_text(
        report(comment("建议增加公开时限。", "第一条", "adopted", "已修改")), encoding="utf-8")
    content = load_content(content_copy, today=FIXTURE_TODAY)
    assert "reports/jiandu-banfa-adoption.md" in content.pages
    assert "reports/jiandu-banfa-adoption.md" not in content.documents


def test_totals_count_received_adopted_rejected_and_unhandled_comments():
    text = report(comment("甲", decision="adopted", reason="采纳"), comment("乙", decision="adopted", reason="采纳"),
                  comment("丙", decision="rejected", reason="不符合上位法"), comment("丁"))
    assert "- 收到意见：4 条\n- 采纳：2 条\n- 不予采纳：1 条\n- 未处理：1 条" in text


def test_comments_follow_the_order_of_the_articles_and_general_comments_come_last():
    text = report(comment("总体意见", None), comment("关于第一百条", "第一百条"), comment("关于第十条", "第十条"),
                  comment("关于第二条", "第二条"), comment("关于第九条", "第九条"))
    headings = re.findall(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)
    assert headings == ["总体情况", "对具体条款的意见", "第二条", "第九条", "第十条", "第一百条", "总体意见"]
    assert text.index("关于第一百条") < text.index("> 总体意见")


def test_each_comment_shows_its_text_its_decision_and_the_reason():
    html_out = rendered(report(
        comment("建议明确公开时限。", "第二条", "adopted", "已在第二条增加“七日内”。"),
        comment("建议取消本条。", "第二条", "rejected", "本条为上位法要求。\n不宜删除。", received="2026-05-11T00:00:00+00:00"),
        comment("建议增加监督条款。", None)))
    visible = html.unescape(re.sub(r"<[^>]+>", "", html_out))
    assert "意见 1　处理结果：采纳\n\n建议明确公开时限。\n\n理由：已在第二条增加“七日内”。" in visible
    assert "意见 2　处理结果：不予采纳\n\n建议取消本条。\n\n理由：本条为上位法要求。\n不宜删除。" in visible
    assert "意见 3　处理结果：未处理\n\n建议增加监督条款。" in visible


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "[链接](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<https://evil.example/>",
    "看这里 {: onclick=alert(1) }",
    '<div markdown="1">[点我](https://evil.example/)</div>',
    "# 冒充的标题\n    缩进代码\n1. 列表\n| a | b |\n|---|---|",
])
def test_public_text_cannot_inject_html_links_or_markup_into_the_site(hostile):
    html_out = rendered(report(comment(hostile, "第一条", "rejected", hostile)))
    back = '<a href="../consultations/jiandu-banfa.md">查看征求意见稿</a>'  # the report's own link to the draft
    assert html_out.count(back) == 1
    html_out = html_out.replace(back, "")
    assert not re.search(r"<(script|img|a|div|code|ol|table)\b", html_out)
    assert "onclick" not in re.sub(r">[^<]*<", "><", html_out)  # never inside a tag
    assert html_out.count("<h1") == 1 and html_out.count("<h3") == 1
    visible = html.unescape(re.sub(r"<[^>]+>", "", html_out))
    first_line = hostile.split("\n")[0].strip()
    assert f"\n{first_line}\n" in visible  # shown to the reader as typed


def test_each_article_says_how_many_comments_it_received_and_what_became_of_them():
    text = report(comment("甲", "第二条", "adopted", "可行"), comment("乙", "第二条", "rejected", "不可行"),
                  comment("丙", "第二条"), comment("丁", "第十条", "adopted", "可行"))
    assert "### 第二条\n\n本条收到意见 3 条：采纳 1 条，不予采纳 1 条，未处理 1 条。" in text
    assert "### 第十条\n\n本条收到意见 1 条：采纳 1 条。" in text


def test_the_report_links_back_to_the_draft():
    assert "[查看征求意见稿](../consultations/jiandu-banfa.md)" in report(comment("甲"))


def test_names_and_contact_details_of_commenters_are_never_published():
    text = report(comment("建议把联系电话 13812345678 和邮箱 wang.er@example.cn 也公开，身份证 130102199001011234。",
                          name="王二", contact={"phone": "13987654321", "email": "wang@example.cn"}))
    for personal in ("王二", "13987654321", "wang@example.cn", "13812345678", "wang.er", "130102199001011234"):
        assert personal not in html.unescape(text)
    assert "建议把联系电话 ［已隐去］ 和邮箱 ［已隐去］ 也公开" in text


def test_a_report_made_before_the_window_closes_says_it_is_provisional():
    assert "征求意见尚未截止" in report(comment("甲"), today=dt.date(2026, 6, 1))
    assert "征求意见尚未截止" not in report(comment("甲"))


def test_a_draft_without_comments_says_none_were_received():
    assert "征求意见期间未收到意见" in report()


def test_a_comment_on_another_draft_is_refused_rather_than_reported_here():
    with pytest.raises(ValueError):
        report({**comment("甲"), "consultation": "xuexi-guize"})


def test_a_title_written_with_book_title_marks_is_not_marked_twice():
    titled = WINDOW.model_copy(update={"title": "《党务公开办法（征求意见稿）》"})
    source = split_front_matter(adoption_report(titled, [comment("建议增加公开时限。")], AFTER_CLOSE))
    assert source.front_matter.data["title"] == "《党务公开办法（征求意见稿）》意见采纳情况"
    assert "《《" not in source.body and "》》" not in source.body

"""意见采纳情况: the Markdown page `portal consultation report ID` writes for an editor to review
and publish, saying what the public proposed on a draft and what became of each comment.

The caller writes it to `content/reports/<id>-adoption.md`: a plain page. Anything under
`content/consultations/` would be loaded as a Consultation document (site_builder.loader). Its front
matter also carries the counts (`counts:`, site_builder.consultation_results.AdoptionSummary),
which the draft's page shows once the draft is closed and the report committed.

What the public wrote is published, so it is made inert here (no HTML, links or Markdown syntax of
any extension can come out of it) and stripped of personal data: commenters' names and contact
details are never read, and phone numbers, ID numbers and e-mail addresses typed into a comment
are masked.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable

import yaml

from functions.domain.redaction import MASK, mask_personal_data  # noqa: F401 - MASK is part of this module's word
from site_builder.articles import article_number
from site_builder.chinatime import chinese_date
from site_builder.consultation_results import AdoptionSummary
from site_builder.registry import ConsultationWindow

DECISION_LABELS = {"adopted": "采纳", "rejected": "不予采纳", None: "未处理"}

# Every ASCII punctuation character becomes a numeric character reference. Markdown (with
# attr_list, md_in_html, tables … and any extension added later) finds no syntax in the result and
# the browser shows the same characters. Chinese text uses full-width punctuation, which is left
# alone, so the source stays readable for the editor.
_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
def inert_lines(text: str) -> list[str]:
    """The text's non-empty lines, each trimmed (leading blanks would make a code block) and escaped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return [line.strip().translate(_ENTITIES) for line in text.split("\n") if line.strip()]


def _inert(text: str) -> str:
    return " ".join(inert_lines(text))


def _decision(comment: dict) -> str | None:
    decision = comment.get("decision")
    if decision not in DECISION_LABELS:
        raise ValueError(f"unknown decision {decision!r}")
    return decision


def _article_key(label: str) -> tuple[int, str]:
    try:
        return article_number(label), label
    except KeyError:  # not a 第…条 label: after the numbered ones, still in a stable order
        return 10**9, label


def _comment_block(number: int, comment: dict) -> list[str]:
    decision = _decision(comment)
    lines = [f"**意见 {number}**　处理结果：**{DECISION_LABELS[decision]}**", ""]
    body = inert_lines(mask_personal_data(str(comment.get("body") or ""))) or ["（无内容）"]
    for i, line in enumerate(body):
        lines += ([">"] if i else []) + [f"> {line}"]
    lines.append("")
    reason = inert_lines(mask_personal_data(str(comment.get("reason") or "")))
    if decision is not None:
        # Two trailing spaces are Markdown's line break: a reason of several lines keeps its lines.
        lines += ["理由：" + "  \n".join(reason) if reason else "理由：未说明", ""]
    return lines


def _article_line(comments: list[dict]) -> str:
    counts = _counts(comments)
    parts = [f"{label} {counts[key]} 条" for key, label in DECISION_LABELS.items() if counts[key]]
    return f"本条收到意见 {len(comments)} 条：" + "，".join(parts) + "。"


def _counts(comments: Iterable[dict]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {key: 0 for key in DECISION_LABELS}
    for comment in comments:
        counts[_decision(comment)] += 1
    return counts


def adoption_report(window: ConsultationWindow, comments: list[dict], today: dt.date) -> str:
    """The page's Markdown (front matter with a title only, as for any plain page)."""
    for comment in comments:
        if comment.get("consultation") not in (None, window.id):
            raise ValueError(f"comment for {comment['consultation']!r} given for {window.id!r}")
    bare = window.title.strip()
    if bare.startswith("《") and bare.endswith("》"):  # editors write the marks or leave them out
        bare = bare[1:-1]
    title = f"《{bare}》意见采纳情况"
    counts = _counts(comments)
    by_time = sorted(comments, key=lambda c: str(c.get("received") or ""))
    by_article: dict[str, list[dict]] = {}
    general: list[dict] = []
    for comment in by_time:
        if comment.get("article"):
            by_article.setdefault(comment["article"], []).append(comment)
        else:
            general.append(comment)

    summary = AdoptionSummary(as_of=today, total=len(comments), adopted=counts["adopted"],
                              rejected=counts["rejected"], pending=counts[None],
                              by_article={a: len(by_article[a]) for a in sorted(by_article, key=_article_key)},
                              general=len(general))
    front = yaml.safe_dump({"title": title, "counts": summary.model_dump(mode="json")},
                           allow_unicode=True, sort_keys=False, width=1000)
    draft = window.url.rstrip("/") + ".md"  # the draft's source file, linked from reports/
    out = ["---", front.rstrip("\n"), "---", "",
           # Invisible on the page; tells the editor what must survive their edits.
           "<!-- 由 portal consultation report 自动生成，发布前请审核。意见原文中的 &#NN; 是转义字符，"
           "用于防止网页代码注入，请勿删除。 -->", "",
           f"# {_inert(title)}", "",
           f"征求意见时间：{chinese_date(window.opens)}至{chinese_date(window.closes)}。"
           f"本情况根据截至{chinese_date(today)}的意见处理记录整理。", "",
           f"[查看征求意见稿](../{draft})", "",
           "## 总体情况", "",
           f"- 收到意见：{len(comments)} 条",
           f"- 采纳：{counts['adopted']} 条",
           f"- 不予采纳：{counts['rejected']} 条",
           f"- 未处理：{counts[None]} 条", ""]
    if window.closes >= today:
        out += ["征求意见尚未截止，以上为阶段性情况。", ""]
    if not comments:
        out += ["征求意见期间未收到意见。", ""]
        return "\n".join(out)

    number = 0
    if by_article:
        out += ["## 对具体条款的意见", ""]
        for article in sorted(by_article, key=_article_key):
            out += [f"### {_inert(article)}", "", _article_line(by_article[article]), ""]
            for comment in by_article[article]:
                number += 1
                out += _comment_block(number, comment)
    if general:
        out += ["## 总体意见", ""]
        for comment in general:
            number += 1
            out += _comment_block(number, comment)
    return "\n".join(out)

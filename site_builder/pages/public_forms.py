"""Which built page carries which form: appended below the page's own text by the MkDocs hook."""

from __future__ import annotations

import re

from .. import forms
from ..loader import ContentSet
from ..models import Kind
from .listings import consultation_state

# Page (source path) → name of its shell in build/shells/, for the functions to re-render forms.
FIXED_FORMS = {"petition/index.md": "petition", "petition/track/index.md": "track", "feedback/index.md": "feedback"}


def form_for_page(content: ContentSet, src_uri: str) -> str | None:
    """The form HTML to append to a page, or None."""
    if src_uri == "petition/index.md":
        return '<h2 id="form">填写信访事项</h2>\n' + forms.petition_form(content.org)
    if src_uri == "petition/track/index.md":
        return forms.track_form()
    if src_uri == "feedback/index.md":
        return forms.feedback_form()
    doc = content.documents.get(src_uri)
    if doc is not None and doc.kind is Kind.consultation:
        if consultation_state(content, doc) != "征求中":
            return None
        from ..articles import article_ids

        return '<h2 id="comment">提出意见</h2>\n' + forms.comment_form(doc.slug, article_ids(doc.body))
    if src_uri.startswith("mailboxes/") and src_uri != "mailboxes/index.md":
        box = content.mailboxes.get(src_uri.removeprefix("mailboxes/").removesuffix(".md"))
        if box is not None:
            return '<h2 id="form">写信</h2>\n' + forms.petition_form(content.org, mailbox=box)
    if src_uri.startswith("surveys/") and src_uri.endswith(".md"):
        survey_id = src_uri.removeprefix("surveys/").removesuffix(".md")
        survey = content.surveys.get(survey_id)
        if survey and survey.opens <= content.today <= survey.closes:
            return '<h2 id="answer">参与调查</h2>\n' + forms.survey_form(survey_id, survey, content.org)
    return None


_H1_END = re.compile(r"</h1>")
_H2 = re.compile(r"(?=<h2[ >])")
_H2_WHOLE = re.compile(r"^(<h2[^>]*>.*?</h2>)", re.S)


def guide_layout(src_uri: str, html: str) -> str:
    """The petition guide on a phone: a jump to the form at the top, each section of guidance folded
    under its heading (<details>, open with a tap, no JavaScript needed)."""
    if src_uri != "petition/index.md":
        return html
    jump = '<p><a class="portal-jump" href="#form">直接填写信访事项</a></p>'
    html = _H1_END.sub("</h1>\n" + jump, html, count=1) if _H1_END.search(html) else jump + html
    head, *sections = _H2.split(html)
    folded = []
    for section in sections:
        match = _H2_WHOLE.match(section)
        if match is None:
            folded.append(section)
            continue
        heading, rest = match.group(1), section[match.end():]
        folded.append(f'<details class="portal-guide"><summary>{heading}</summary>{rest}</details>\n')
    return head + "".join(folded)


def shell_name(content: ContentSet, src_uri: str) -> str | None:
    """The shell file name under build/shells/ for a page that carries a form."""
    if src_uri in FIXED_FORMS:
        return FIXED_FORMS[src_uri]
    doc = content.documents.get(src_uri)
    if doc is not None and doc.kind is Kind.consultation:
        return f"consultation-{doc.slug}"
    if src_uri.startswith("surveys/") and src_uri != "surveys/index.md":
        return "survey-" + src_uri.removeprefix("surveys/").removesuffix(".md")
    if src_uri.startswith("mailboxes/") and src_uri != "mailboxes/index.md":
        return "mailbox-" + src_uri.removeprefix("mailboxes/").removesuffix(".md")
    return None

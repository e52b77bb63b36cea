"""Which built page carries which form: appended below the page's own text by the MkDocs hook."""

from __future__ import annotations

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

"""The public's forms, rendered by one piece of code in two places: by the builder into the static
pages (empty), and by the functions when a form posted without JavaScript comes back with errors
(filled with what the person typed, each error next to its field). Pure Jinja2, no MkDocs.

Field names are dotted paths of the JSON API ("contact.mobile", "answers.role"), so the same
errors dictionary marks the same fields whether it came from fetch() or a form POST.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .models import Survey
from .org import OrgTree
from .templating import environment

# "pair": an option whose value is its label
_ENV = environment(Path(__file__).parent / "templates", {"pair": lambda value: (value, value, None)})

# Where each form posts: the JSON API (used by forms.js) and the no-JavaScript endpoint.
PETITION_KINDS = (
    ("suggestion", "建议意见", "对党的建设和党组织工作提出建议、意见"),
    ("accusation", "检举控告", "反映党组织、党员违反纪律的问题；可以匿名"),
    ("appeal", "申诉求决", "对所受处理不服提出申诉，或请求解决本人合法权益问题"),
    ("inquiry", "咨询", "询问党内法规、政策和办事程序"),
)
HONEYPOT = "website"
FORM_START, FORM_END = "<!-- portal:form -->", "<!-- /portal:form -->"


@dataclass
class FormState:
    """What to show in a form: the person's input and the errors, both keyed by dotted field name."""

    values: Mapping[str, object] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str | None = None
    idempotency_key: str = ""
    notice: str | None = None  # not an error: what the person should do next (status role, polite)
    labels: Mapping[str, str] = field(default_factory=dict)  # field name → label, for the error summary


def _unit_options(org: OrgTree, regions_only: bool = False) -> list[tuple[str, str]]:
    """Units indented by depth; for a survey's "where do you live", places only (no party bodies)."""
    options = []
    for root in org.roots:
        for code in org.subtree(root):
            if regions_only and not org[code].is_region:
                continue
            depth = len(org.path(code)) - 1
            options.append((code, "\u3000" * depth + org[code].organ))
    return options


def _render(template: str, state: FormState | None, **context) -> str:
    state = state or FormState()
    html = _ENV.get_template(template).render(state=state, values=state.values, errors=state.errors,
                                              honeypot=HONEYPOT, **context)
    return f"{FORM_START}\n{html}\n{FORM_END}"


def petition_form(org: OrgTree, state: FormState | None = None, mailbox=None) -> str:
    """The petition form; for a 领导信箱 (`mailbox`), only 建议意见 and 咨询 to the mailbox's unit."""
    kinds = PETITION_KINDS if mailbox is None else tuple(k for k in PETITION_KINDS if k[0] in ("suggestion", "inquiry"))
    if mailbox is not None:  # the mailbox's unit is the only choice: chosen already
        state = state or FormState()
        state = FormState(**{**state.__dict__, "values": {"unit": mailbox.unit, **state.values}})
    units = _unit_options(org) if mailbox is None else [(c, n) for c, n in _unit_options(org) if c == mailbox.unit]
    return _render("petition_form.html", state, kinds=kinds, units=units, mailbox=mailbox)


def track_form(state: FormState | None = None) -> str:
    return _render("track_form.html", state)


def recover_form(state: FormState | None = None, step: str = "ask") -> str:
    """Recovering a lost query code: "ask" (reference + mobile) or "code" (the one-time code)."""
    return _render("recover_form.html", state, step=step)


def feedback_form(state: FormState | None = None) -> str:
    return _render("feedback_form.html", state)


def comment_form(consultation_id: str, articles: list[str], state: FormState | None = None) -> str:
    return _render("comment_form.html", state, consultation_id=consultation_id, articles=articles)


def survey_form(survey_id: str, survey: Survey, org: OrgTree, state: FormState | None = None) -> str:
    position = {q.id: i for i, q in enumerate(survey.questions, start=1)}
    return _render("survey_form.html", state, survey_id=survey_id, survey=survey, position=position,
                   units=_unit_options(org, regions_only=True))


def replace_form(page_html: str, form_html: str) -> str:
    """Swap the form region of a built page for a re-rendered form."""
    start, end = page_html.index(FORM_START), page_html.index(FORM_END) + len(FORM_END)
    return page_html[:start] + form_html + page_html[end:]

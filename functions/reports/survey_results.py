"""Survey results for staff, read from the counters kept at submission time (see
functions.domain.surveys.counter_deltas), and a server-rendered SVG bar chart per question.

No response is scanned here: the survey's counters (its totals and one scope per question, merged by
functions.services.surveys.counters_of) are all the input there is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from functions.domain.surveys import RESPONSES
from site_builder.models import Question, QuestionType, Survey

# Unit codes are 6 or 9 digits (site_builder.models.Unit); question ids start with a letter, so a
# `{unit}|` prefix can never be mistaken for an unprefixed counter, whatever an option text holds.
_UNIT_PREFIX = re.compile(r"^(\d{6}(?:\d{3})?)\|")
MULTIPLE_NOTE = "多选题，每人可选多项，各选项比例之和可能超过 100%"


@dataclass(frozen=True)
class OptionResult:
    label: str  # the option text, or the scale value as text
    count: int
    percent: float  # of those who answered the question, one decimal, 0.0 when nobody answered


@dataclass(frozen=True)
class QuestionResult:
    id: str
    number: int  # 第 N 题, as the public saw it
    text: str
    type: QuestionType
    answered: int
    options: tuple[OptionResult, ...] = ()  # single, multiple and scale only
    mean: float | None = None  # scale and number; None when nobody answered (not a misleading 0)
    percents_may_exceed_100: bool = False  # True for multiple choice
    note: str = ""  # shown under the chart; says why percentages may add up to more than 100%


@dataclass(frozen=True)
class SurveyResults:
    title: str
    unit: str | None  # the respondents' unit this breakdown is for; None = everybody
    responses: int
    questions: tuple[QuestionResult, ...]


def percent(part: int, whole: int) -> float:
    """Half-up to one decimal (what people expect; float round() would give 0.1250 → 0.12)."""
    if whole <= 0:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _mean(total: int, answered: int) -> float | None:
    if answered <= 0:
        return None
    return float((Decimal(total) / Decimal(answered)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _option_labels(question: Question, counted: dict[str, int], prefix: str) -> list[str]:
    if question.type == "scale":
        labels = [str(v) for v in range(question.min, question.max + 1)]
    else:
        labels = list(question.options)
    # An editor may rename or drop an option while the survey runs: answers already counted under the
    # old text are still shown (after the current options) rather than silently vanishing.
    head = f"{prefix}{question.id}="
    known = set(labels)
    stale = sorted(name[len(head):] for name, value in counted.items()
                   if name.startswith(head) and value and name[len(head):] not in known)
    if question.type == "scale":  # values counted outside a since-changed min..max, in numeric order
        stale.sort(key=lambda v: int(v) if v.lstrip("-").isdigit() else 0)
    return labels + stale


def _question(question: Question, number: int, counters: dict[str, int], prefix: str) -> QuestionResult:
    answered = max(counters.get(f"{prefix}{question.id}#answered", 0), 0)
    options: tuple[OptionResult, ...] = ()
    if question.type in ("single", "multiple", "scale"):
        options = tuple(
            OptionResult(label, count, percent(count, answered))
            for label in _option_labels(question, counters, prefix)
            for count in [max(counters.get(f"{prefix}{question.id}={label}", 0), 0)])
    mean = None
    if question.type in ("scale", "number"):
        mean = _mean(counters.get(f"{prefix}{question.id}#sum", 0), answered)
    multiple = question.type == "multiple"
    return QuestionResult(id=question.id, number=number, text=question.text, type=question.type,
                          answered=answered, options=options, mean=mean, percents_may_exceed_100=multiple,
                          note=MULTIPLE_NOTE if multiple else "")


def results(survey: Survey, counters: dict[str, int], unit: str | None = None) -> SurveyResults:
    """Per-question counts and percentages; with `unit`, only respondents who named that unit."""
    prefix = f"{unit}|" if unit else ""
    questions = tuple(_question(q, n, counters, prefix) for n, q in enumerate(survey.questions, start=1))
    return SurveyResults(title=survey.title, unit=unit or None,
                         responses=max(counters.get(prefix + RESPONSES, 0), 0), questions=questions)


def units_with_responses(counters: dict[str, int]) -> dict[str, int]:
    """Unit code → number of responses naming it, for units with at least one, ordered by code."""
    found: dict[str, int] = {}
    for name, value in counters.items():
        match = _UNIT_PREFIX.match(name)
        if match and name[match.end():] == RESPONSES and value > 0:
            found[match.group(1)] = value
    return dict(sorted(found.items()))


# --- chart ------------------------------------------------------------------------------------

# Laid out for a 360 px phone: viewBox units are CSS px at that width and width="100%" scales it.
_WIDTH, _PAD, _FONT = 360, 8, 14
_BAR_MAX, _BAR_H, _ROW = 210, 16, 46  # a row: label line, then the bar with "N 人（P%）" after it
_LABEL_ROOM = _WIDTH - 2 * _PAD
# XML 1.0 forbids these even as character references; an option text must not break the page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=True)


def _text_width(text: str, size: int) -> float:
    # Rough but safe: CJK and other wide characters take a full em, ASCII a bit over half.
    return sum(size * (0.6 if ord(ch) < 0x2E80 else 1.0) for ch in text)


def _fit(text: str, room: float, size: int) -> str:
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def value_label(option: OptionResult) -> str:
    return f"{option.count} 人（{option.percent:.1f}%）"


def _description(result: QuestionResult) -> str:
    if result.answered == 0:
        lead = "暂无人作答。"
    else:
        lead = f"共 {result.answered} 人作答。"
    parts = "；".join(f"{o.label}：{value_label(o)}" for o in result.options)
    return lead + (parts + "。" if parts else "") + (result.note + "。" if result.note else "")


def bar_chart_svg(result: QuestionResult) -> str:
    """An accessible horizontal bar chart (inline SVG, no script, no web fonts) of one question;
    '' for text and number questions, which have no options to draw."""
    if not result.options:
        return ""
    uid = re.sub(r"[^a-z0-9_]", "", result.id) or "q"
    # role="img" makes screen readers announce <title> and <desc> (which carries every figure)
    # instead of reading the bar texts one by one.
    height = _PAD * 2 + _ROW * len(result.options)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" role="img" width="100%" '
           f'viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
           f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" font-family="sans-serif" font-size="{_FONT}">',
           f'<title id="chart-{uid}-title">{_xml(f"第 {result.number} 题 {result.text} 统计图")}</title>',
           f'<desc id="chart-{uid}-desc">{_xml(_description(result))}</desc>']
    for i, option in enumerate(result.options):
        top = _PAD + i * _ROW
        width = round(_BAR_MAX * min(option.percent, 100.0) / 100, 1)
        label = _fit(option.label, _LABEL_ROOM, _FONT)
        out.append(
            f'<g><text x="{_PAD}" y="{top + _FONT}" fill="#222">{_xml(label)}</text>'
            f'<rect x="{_PAD}" y="{top + _FONT + 6}" width="{width}" height="{_BAR_H}" fill="#b71c1c"/>'
            f'<text x="{_PAD + width + 6}" y="{top + _FONT + 6 + _BAR_H - 3}" fill="#222" font-size="13">'
            f'{_xml(value_label(option))}</text></g>')
    out.append("</svg>")
    return "".join(out)

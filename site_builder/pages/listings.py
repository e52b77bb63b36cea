"""Generated listing pages: regulations by 效力位阶, issuer, 时效性 and year; policies by category and
year; one page per unit; consultations, surveys and the chronicle timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from ..loader import ContentSet, Document
from ..models import (
    KIND_LABELS,
    NORMATIVE_DOCUMENT_LEVELS,
    PARTY_REGULATION_LEVELS,
    VALIDITY_LABELS,
    Kind,
    Validity,
)
from .common import DocumentItems, Page, cn_date, document_item, esc, link, md_text, paginate
from .news import news_pages


def listing_pages(content: ContentSet) -> Iterator[Page]:
    items = DocumentItems(content)
    yield from _regulation_pages(content, items)
    yield from _policy_pages(content, items)
    yield from _unit_pages(content, items)
    yield from _chronicle_pages(content)
    yield _consultations_index(content)
    yield from news_pages(content)


def _facet(items: DocumentItems, docs: list[Document], base: str, key: Callable[[Document], object],
           label: Callable[[object], str], title: Callable[[str], str],
           order: list | None = None) -> tuple[list[str], list[Page]]:
    """Group `docs` by `key`; return index lines (from `base`/../index.md) and the paginated pages."""
    groups: dict[object, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[key(doc)].append(doc)
    keys = [k for k in order if k in groups] if order else sorted(groups, reverse=True)
    index_uri = base.rsplit("/", 1)[0] + "/index.md"
    lines, pages = [], []
    for value in keys:
        folder = f"{base}/{value}"
        lines.append(f"- [{md_text(label(value))}]({link(index_uri, folder + '/index.md')})（{len(groups[value])}）")
        pages += paginate(folder, title(label(value)), "", groups[value], items)
    return lines, pages


def _regulation_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    docs = content.of_kind(Kind.regulation)
    base = "regulations"
    sections = [
        ("按效力位阶", *_facet(items, docs, f"{base}/level", lambda d: d.meta.level, str,
                          lambda v: f"{v}（效力位阶）", order=list(PARTY_REGULATION_LEVELS + NORMATIVE_DOCUMENT_LEVELS))),
        ("按时效性", *_facet(items, docs, f"{base}/validity", lambda d: d.validity.value,
                         lambda v: VALIDITY_LABELS[Validity(v)], lambda v: f"时效性：{v}",
                         order=[v.value for v in Validity])),
        ("按制定机关", *_facet(items, docs, f"{base}/issuer", lambda d: d.unit,
                          lambda code: content.org[code].organ, lambda v: f"{v}制定的党内法规",
                          order=[c for c in content.org.units])),
        ("按公布年份", *_facet(items, docs, f"{base}/year", lambda d: d.meta.published.year,
                          lambda y: f"{y}年", lambda v: f"{v}公布的党内法规")),
    ]
    yield _section_index(content, Kind.regulation, "党内法规和规范性文件", sections, docs)
    for _, _, pages in sections:
        yield from pages


def _policy_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    docs = content.of_kind(Kind.policy)
    sections = [
        ("按类别", *_facet(items, docs, "policies/category", lambda d: d.meta.category, str,
                        lambda v: f"政策文件：{v}", order=sorted({d.meta.category for d in docs}))),
        ("按公布年份", *_facet(items, docs, "policies/year", lambda d: d.meta.published.year,
                          lambda y: f"{y}年", lambda v: f"{v}公布的政策文件")),
    ]
    yield _section_index(content, Kind.policy, "政策文件", sections, docs)
    for _, _, pages in sections:
        yield from pages


def _section_index(content: ContentSet, kind: Kind, title: str, sections, docs: list[Document]) -> Page:
    folder = {Kind.regulation: "regulations", Kind.policy: "policies"}[kind]
    uri = f"{folder}/index.md"
    lines = [f"# {title}", "", f"共收录{KIND_LABELS[kind]} {len(docs)} 件。", ""]
    # Documents first: the facets fold into one line above them (a <details>, no JavaScript needed).
    headings = "、".join(heading.removeprefix("按") for heading, _, _ in sections)
    lines += ['<details class="portal-facets" markdown>', f"<summary>分类浏览（{headings}）</summary>", "",
              '<div class="portal-facets__groups" markdown>', ""]
    for heading, facet_lines, _ in sections:
        lines += ['<div markdown>', "", f"## {heading}", "", *facet_lines, "", "</div>", ""]
    lines += ["</div>", "</details>", "", "## 最新公布", ""]
    lines += [document_item(content, doc, uri) for doc in docs[:20]] or ["暂无文件。"]
    return Page(uri, "\n".join(lines) + "\n")


def _unit_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    by_unit: dict[str, list[Document]] = defaultdict(list)
    for doc in content.documents.values():
        if doc.unit:
            by_unit[doc.unit].append(doc)
    org = content.org
    index = ["# 组织机构", "", "各级党组织及其发布的文件。", ""]
    for root in org.roots:
        for code in org.subtree(root):
            depth = len(org.path(code)) - 1
            index.append("    " * depth + f"- [{esc(org[code].name)}]({code}/index.md)"
                         f"（{len(by_unit.get(code, []))}）")
    yield Page("units/index.md", "\n".join(index) + "\n")
    for code, unit in org.units.items():
        docs = sorted(by_unit.get(code, []), key=lambda d: (d.date, d.path), reverse=True)
        uri = f"units/{code}/index.md"
        intro = [f"{unit.description}，发文机关：{esc(unit.organ)}。"]
        if unit.parent:
            intro.append(f"上级单位：[{esc(org[unit.parent].name)}]({link(uri, f'units/{unit.parent}/index.md')})。")
        children = org.children(code)
        if children:
            intro.append("下级单位：" + "、".join(
                f"[{esc(org[c].name)}]({link(uri, f'units/{c}/index.md')})" for c in children) + "。")
        yield from paginate(f"units/{code}", esc(unit.name), "\n\n".join(intro), docs, items)


def _chronicle_pages(content: ContentSet) -> Iterator[Page]:
    years: dict[int, list] = defaultdict(list)
    for entry in content.chronicle:
        years[entry.date.year].append(entry)
    index = ["# 大事记", ""]
    for year in sorted(years, reverse=True):
        index.append(f"- [{year}年大事记]({year}.md)（{len(years[year])} 条）")
        lines = [f"# {year}年大事记", "", '<ol class="portal-timeline">']
        for entry in sorted(years[year], key=lambda e: e.date):
            unit = f'<span class="portal-meta">{esc(content.org[content.org.resolve(entry.unit)].organ)}</span>' \
                if entry.unit else ""
            lines.append(f'<li><time datetime="{entry.date.isoformat()}">{entry.date.month}月{entry.date.day}日</time>'
                         f"<p>{esc(entry.event)}</p>{unit}</li>")
        lines.append("</ol>")
        yield Page(f"chronicle/{year}.md", "\n".join(lines) + "\n")
    yield Page("chronicle/index.md", "\n".join(index or ["暂无大事记。"]) + "\n")


def consultation_state(content: ContentSet, doc: Document) -> str:
    meta = doc.meta
    if content.today < meta.opens:
        return "未开始"
    return "征求中" if content.today <= meta.closes else "已结束"


def _consultations_index(content: ContentSet) -> Page:
    uri = "consultations/index.md"
    lines = ["# 征求意见", ""]
    groups = defaultdict(list)
    for doc in content.of_kind(Kind.consultation):
        groups[consultation_state(content, doc)].append(doc)
    for state in ("征求中", "未开始", "已结束"):
        lines += [f"## {state}", ""]
        for doc in groups.get(state, []):
            meta = doc.meta
            lines.append(f"- [{md_text(meta.title)}]({link(uri, doc.path)})\n"
                         f"  <span class=\"portal-meta\">{cn_date(meta.opens)}至{cn_date(meta.closes)} · "
                         f"{esc(content.org[doc.unit].organ)}</span>")
        if not groups.get(state):
            lines.append("暂无。")
        lines.append("")
    return Page(uri, "\n".join(lines))

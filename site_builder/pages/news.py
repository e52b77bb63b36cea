"""News listings: the paginated index, one listing per 栏目 (category) and one per year (archive).
Plain generated pages like every other listing; the RSS feed is in feeds.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..loader import ContentSet, Document
from ..models import NEWS_CATEGORIES, Kind
from .common import PAGE_SIZE, Page, cn_date, esc, link, md_text, paginate


def news_item(doc: Document, from_uri: str) -> str:
    meta = doc.meta
    summary = f"<br>{esc(meta.summary)}" if meta.summary else ""
    return (f"- [{md_text(meta.title)}]({link(from_uri, doc.path)})\n"
            f"  <span class=\"portal-meta\">{cn_date(meta.date)} · {'、'.join(esc(c) for c in meta.categories)}"
            f"{summary}</span>")


def news_pages(content: ContentSet) -> Iterator[Page]:
    posts = content.of_kind(Kind.news)
    by_category: dict[str, list[Document]] = defaultdict(list)
    by_year: dict[int, list[Document]] = defaultdict(list)
    for doc in posts:
        for category in doc.meta.categories:
            by_category[category].append(doc)
        by_year[doc.meta.date.year].append(doc)
    index_uri = "news/index.md"
    sections = ["**栏目**：" + " · ".join(f"[{c}]({link(index_uri, f'news/category/{c}/index.md')})（{len(by_category[c])}）"
                                       for c in NEWS_CATEGORIES if by_category.get(c)),
                "**按年份**：" + " · ".join(f"[{y}年]({link(index_uri, f'news/archive/{y}/index.md')})"
                                        for y in sorted(by_year, reverse=True)),
                "[RSS 订阅](rss.xml)"]
    yield from paginate("news", "新闻", "\n\n".join(sections), posts, news_item, PAGE_SIZE)
    for category, docs in by_category.items():
        yield from paginate(f"news/category/{category}", f"新闻：{esc(category)}", "", docs, news_item, PAGE_SIZE)
    for year, docs in by_year.items():
        yield from paginate(f"news/archive/{year}", f"{year}年新闻", "", docs, news_item, PAGE_SIZE)

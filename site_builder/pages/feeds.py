"""RSS 2.0 feed of the latest news (standard library XML; the format is small and stable)."""

from __future__ import annotations

import datetime as dt
import email.utils
from xml.etree import ElementTree as ET

from ..loader import ContentSet
from ..models import Kind

FEED_SIZE = 30


def news_feed(content: ContentSet, site_url: str, site_name: str) -> str:
    base = site_url.rstrip("/") + "/"
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", f"{site_name} · 新闻"), ("link", base + "news/"),
                      ("description", f"{site_name}发布的新闻"), ("language", "zh-CN")):
        ET.SubElement(channel, tag).text = text
    for doc in content.of_kind(Kind.news)[:FEED_SIZE]:
        item = ET.SubElement(channel, "item")
        url = base + doc.url
        when = dt.datetime.combine(doc.meta.date, dt.time(8, 0), dt.timezone(dt.timedelta(hours=8)))
        for tag, text in (("title", doc.meta.title), ("link", url), ("guid", url),
                          ("pubDate", email.utils.format_datetime(when)), ("description", doc.meta.summary)):
            ET.SubElement(item, tag).text = text
        for category in doc.meta.categories:
            ET.SubElement(item, "category").text = category
    return ET.tostring(rss, encoding="unicode", xml_declaration=True)

"""网站地图, 隐私声明 and 使用帮助: pages every build has, linked from the footer (texts in texts/).

The site map is made from the real structure: the nav of mkdocs.yml, and under each section the
generated listing pages one level down (by 效力位阶, 时效性, year, …), titled by their own heading.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from string import Template

from ..identity import SiteIdentity
from .common import Page, esc, link, md_text

SITEMAP, PRIVACY, HELP = "sitemap/index.md", "privacy/index.md", "help/index.md"
# A listing one level below a section: regulations/level/党章/index.md, news/archive/2025/index.md, chronicle/2025.md
_GROUP_PAGE = re.compile(r"^([a-z]+)/([a-z]+)/[^/]+/index\.md$|^(chronicle)/\d{4}\.md$")
_GROUP_LABELS = {"level": "按效力位阶", "validity": "按时效性", "issuer": "按制定机关", "year": "按公布年份",
                 "category": "按类别", "archive": "按年份"}


def site_info_pages(nav: list, generated: Iterable[Page], site_name: str,
                    identity: SiteIdentity | None) -> list[Page]:
    return [sitemap_page(nav, generated), privacy_page(site_name, identity), help_page()]


def sitemap_page(nav: list, generated: Iterable[Page]) -> Page:
    groups: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for page in generated:
        match = _GROUP_PAGE.match(page.src_uri)
        if match:
            section, group = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), "year")
            groups[section][group].append((_heading(page.markdown), page.src_uri))
    lines = ["# 网站地图", "", "本站全部栏目及其分类浏览页面。", ""]
    for entry in nav:
        (title, uri), = entry.items()
        lines.append(f"- [{md_text(title)}]({link(SITEMAP, uri)})")
        section = uri.split("/", 1)[0] if "/" in uri else ""
        for group, pages in groups.get(section, {}).items():
            links = "、".join(f"[{md_text(t)}]({link(SITEMAP, u)})" for t, u in pages)
            lines.append(f"    - {_GROUP_LABELS.get(group, '分类')}：{links}")
    lines += [f"- [网上信访]({link(SITEMAP, 'petition/index.md')})",
              f"- [信访事项查询]({link(SITEMAP, 'petition/track/index.md')})",
              f"- [意见建议]({link(SITEMAP, 'feedback/index.md')})",
              f"- [隐私声明]({link(SITEMAP, PRIVACY)}) · [使用帮助]({link(SITEMAP, HELP)})", ""]
    return Page(SITEMAP, "\n".join(lines))


def _heading(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return re.sub(r"（[^）]*）$", "", line[2:].strip()) or line[2:].strip()
    return "未命名"


def privacy_page(site_name: str, identity: SiteIdentity | None) -> Page:
    contact = f"，或发送电子邮件至 {esc(identity.contact.email)}" if identity and identity.contact.email else ""
    return Page(PRIVACY, _text("privacy.md").substitute(
        site_name=esc(site_name), sponsor=esc(identity.sponsor) if identity else "本站主办单位", contact=contact))


def help_page() -> Page:
    return Page(HELP, _text("help.md").substitute())


def _text(name: str) -> Template:
    """The page's text, written for this portal (site_builder/pages/texts/)."""
    return Template((Path(__file__).parent / "texts" / name).read_text(encoding="utf-8"))

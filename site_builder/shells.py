"""Page shells: built pages with a region the functions fill in at request time, so server-made
pages (a form returned with errors, a receipt, a tracking result) wear the site's own chrome.

The generic shell comes from 404.html, which MkDocs renders with root-absolute links, so it is
valid at any URL; its article is replaced by BODY and its title by TITLE.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

GENERIC_SHELL = "page"
TITLE, BODY = "<!-- portal:title -->", "<!-- portal:body -->"
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def generic_shell(page_404: str) -> str:
    html = _ARTICLE.sub(lambda m: m.group(1) + BODY + m.group(2), page_404, count=1)
    return _TITLE.sub(lambda m: f"<title>{TITLE} - {m.group(1).split(' - ')[-1].strip()}</title>", html, count=1)


def fill(shell: str, title: str, body_html: str) -> str:
    """`title` is plain text (escaped here); `body_html` is trusted, already-escaped HTML."""
    import html

    return shell.replace(TITLE, html.escape(title)).replace(BODY, body_html)


_RELATIVE = re.compile(r'\b(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"', re.I)


_THEME_SCOPE = re.compile(r'new URL\("(?:\.\./)*\.\.",location\)|new URL\("\.",location\)')


def rooted(html: str, page_url: str) -> str:
    """The page with its relative links made root-absolute: a shell is filled in at another URL
    (a survey page at /surveys/x/ comes back from /forms/surveys/x/responses), where
    "../../assets/portal.css" would point nowhere. In-page anchors (#…) stay as they are."""
    base = "/" + page_url.lstrip("/")

    def absolute(match: re.Match) -> str:
        return f'{match.group(1)}="{urljoin(base, match.group(2))}"'

    # Material scopes its local storage to the site root, found relative to the page: root it too.
    html = _THEME_SCOPE.sub('new URL("/",location)', html)
    return _RELATIVE.sub(absolute, html)


def load(build_dir: Path, name: str) -> str:
    return (Path(build_dir) / "shells" / f"{name}.html").read_text(encoding="utf-8")

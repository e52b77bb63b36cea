"""The chrome of the server-rendered /search/ page, taken from the built site at build time.

The search function must not depend on the site folder at runtime (on AWS it ships with the
index only), so `portal build` copies one built page into the index folder with its article
replaced by a marker; the function pours the results into that marker. Source page, in order:
- `search/index.html`, if the builder generates a search page containing MARKER (preferred:
  the page then carries its own title and nav state);
- `404.html`, which MkDocs always renders with root-absolute links (/assets/…), so its chrome
  is valid at any URL. Its heading and <title> are replaced.
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = "<!-- portal:search-results -->"
TITLE = "检索"
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def write_page_shell(site_dir: Path, out_file: Path) -> None:
    generated = site_dir / "search" / "index.html"
    if generated.is_file() and MARKER in (html := generated.read_text(encoding="utf-8")):
        out_file.write_text(html, encoding="utf-8")
        return
    fallback = site_dir / "404.html"
    if not fallback.is_file():
        return  # no site (e.g. an index built for a benchmark): the function uses a bare page
    html = fallback.read_text(encoding="utf-8")
    html = _ARTICLE.sub(lambda m: m.group(1) + MARKER + m.group(2), html, count=1)
    html = _TITLE.sub(lambda m: f"<title>{TITLE} - {m.group(1).strip()}</title>", html, count=1)
    out_file.write_text(html, encoding="utf-8")

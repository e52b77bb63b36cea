"""The chrome of the server-rendered /search/ page, taken from the built site at build time.

The search function must not depend on the site folder at runtime (on AWS it ships with the
index only), so `portal build` stores the site's generic page shell (see site_builder/shells.py:
404.html with its article replaced by a marker) in the index folder, titled 检索; the function
pours the results into MARKER.
"""

from __future__ import annotations

from pathlib import Path

from site_builder import shells

MARKER = shells.BODY
TITLE = "检索"


def write_page_shell(site_dir: Path, out_file: Path) -> None:
    page_404 = site_dir / "404.html"
    if not page_404.is_file():
        return  # no site (e.g. an index built for a benchmark): the function uses a bare page
    shell = shells.generic_shell(page_404.read_text(encoding="utf-8"))
    out_file.write_text(shell.replace(shells.TITLE, TITLE), encoding="utf-8")

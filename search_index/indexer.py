"""Build `build/search-index/` from a validated ContentSet, atomically: write a temporary folder,
then swap it in, so a reader never sees half an index and a failed build keeps the old one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from whoosh import index

from site_builder.atomic import swap_in
from site_builder.loader import ContentSet

from .schema import make_schema, record

META_FILE = "portal-search.json"  # what the searcher needs besides the index: unit names, labels
PAGE_FILE = "page.html"  # the site's chrome around the search results (see page_shell.py)


def build_index(content: ContentSet, out_dir: Path | str, site_dir: Path | str | None = None) -> Path:
    """Index every document of `content` into `out_dir`; return `out_dir`.

    `site_dir` (the built site) supplies the page shell for the server-rendered /search/ page.
    """
    out_dir = Path(out_dir)
    staging = staging_dir(out_dir)
    write_index(content, staging)
    finish_index(staging, out_dir, site_dir)
    return out_dir


def staging_dir(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.tmp")


def write_index(content: ContentSet, staging: Path) -> None:
    """The slow part (it can run in another process while the site is built): index into `staging`."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ix = index.create_in(str(staging), make_schema())
    # One segment, no merging policy surprises: the index is written once and never updated.
    writer = ix.writer(limitmb=256, procs=1)
    for doc in sorted(content.documents.values(), key=lambda d: d.path):
        writer.add_document(**record(content, doc))
    writer.commit(optimize=True)
    ix.close()
    units = {code: {"name": u.name, "organ": u.organ, "parent": u.parent}
             for code, u in content.org.units.items()}
    meta = {"documents": len(content.documents), "today": content.today.isoformat(), "units": units}
    (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def finish_index(staging: Path, out_dir: Path, site_dir: Path | str | None) -> None:
    """Add the page shell from the built site and swap the finished index in."""
    if site_dir is not None:
        from .page_shell import write_page_shell

        write_page_shell(Path(site_dir), staging / PAGE_FILE)
    swap_in(staging, out_dir)

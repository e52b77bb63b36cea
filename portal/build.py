"""`portal build`: the static site (MkDocs, one core) and the search index (the other core) from the
same validated content, swapped in only when both succeeded.

Both halves update what the previous build left rather than start over: the site keeps every page
whose inputs did not change (site_builder/live_site.py); the index is written by
`search_index.indexer.write_index`, which decides itself whether to update the previous index or
build a new one (the search side makes that update incremental: this module only hands it the
content and the staging folder next to the live index)."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

from site_builder.build import BuildError, SiteBuild, build_site
from site_builder.loader import ContentSet


def _index_worker(content: ContentSet, staging: Path) -> None:
    from search_index.indexer import write_index

    write_index(content, staging)


def build_all(content: ContentSet, out: Path, config: Path, site_url: str | None = None,
              reuse: bool = True) -> SiteBuild:
    """Build everything into `out`; raise BuildError and leave the previous build in place on failure.

    `reuse=False` renders every page again (the result is the same)."""
    from search_index.indexer import finish_index, staging_dir

    out.mkdir(parents=True, exist_ok=True)
    index_dir = out / "search-index"
    staging = staging_dir(index_dir)
    # spawn, not fork: forking a process that may have other threads (a test run, a server) can deadlock
    # the child on a lock some thread held; the validated content is pickled across instead of re-read.
    worker = multiprocessing.get_context("spawn").Process(target=_index_worker, args=(content, staging), daemon=True)
    worker.start()
    try:
        site = build_site(content, out, config, site_url=site_url, reuse=reuse)
    except BaseException:
        worker.terminate()
        worker.join()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    worker.join()
    if worker.exitcode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([f"检索索引构建失败（退出码 {worker.exitcode}），已保留上一次的索引"])
    finish_index(staging, index_dir, site.site)
    return site

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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from site_builder.build import BuildError, SiteBuild, build_site
from site_builder.loader import ContentSet


@dataclass(frozen=True)
class PortalBuild:
    site: SiteBuild
    site_seconds: float  # the site half, in this process
    index_seconds: float  # the index half, in the other process


def _index_worker(content: ContentSet, staging: Path, timings) -> None:
    from search_index.indexer import write_index

    started = time.perf_counter()
    write_index(content, staging)  # the search side's entry point: it may update the previous index
    timings.put(time.perf_counter() - started)


def _start_method() -> str:
    single = threading.active_count() == 1
    return "fork" if single and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def build_all(content: ContentSet, out: Path, config: Path, site_url: str | None = None,
              reuse: bool = True) -> PortalBuild:
    """Build everything into `out`; raise BuildError and leave the previous build in place on failure.

    `reuse=False` renders every page of the site again (the result is the same)."""
    from search_index.indexer import finish_index, staging_dir

    out.mkdir(parents=True, exist_ok=True)
    index_dir = out / "search-index"
    staging = staging_dir(index_dir)
    # fork when this process has no other thread (the `portal build` command): the child starts with
    # the validated content in memory, where pickling it across costs seconds at 10,000 documents.
    # Otherwise spawn: forking a process with other threads (a test run, a server) can deadlock the
    # child on a lock some thread held.
    context = multiprocessing.get_context(_start_method())
    timings = context.SimpleQueue()
    worker = context.Process(target=_index_worker, args=(content, staging, timings), daemon=True)
    worker.start()
    started = time.perf_counter()
    try:
        site = build_site(content, out, config, site_url=site_url, reuse=reuse)
    except BaseException:
        worker.terminate()
        worker.join()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    site_seconds = time.perf_counter() - started
    worker.join()
    if worker.exitcode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([f"检索索引构建失败（退出码 {worker.exitcode}），已保留上一次的索引"])
    finish_index(staging, index_dir, site.site)
    return PortalBuild(site, site_seconds, timings.get() if not timings.empty() else 0.0)

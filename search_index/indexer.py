"""Build `build/search-index/` from a validated ContentSet, atomically: write a staging folder,
then swap it in, so a reader never sees half an index and a failed build keeps the old one.

Incremental: the folder keeps `manifest.json`, a fingerprint of every document's IndexRecord.
When the index being replaced was made by the same engine, format and dictionary, it is copied
into the staging folder and only documents whose fingerprint changed are re-analysed and
re-indexed, removed ones deleted; otherwise the index is built afresh. Answers are the same
either way (ranking statistics are computed from the live documents; ties go by content path).

The engine is `PORTAL_SEARCH_ENGINE` (whoosh or fts5) at build time, recorded in the folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from site_builder.atomic import swap_in
from site_builder.loader import ContentSet

from .analyzer import Analyzer, analyzer, org_words
from .engine import ENGINES, META_FILE, PAGE_FILE
from .records import IndexRecord, fingerprints, record

ENGINE_ENV = "PORTAL_SEARCH_ENGINE"
# SQLite FTS5: both engines meet the query targets, but Whoosh's index takes longer to write than the
# whole site and alone keeps `portal build` above half of plain Material (docs/performance.md, Search).
DEFAULT_ENGINE = "fts5"
MANIFEST_FILE = "manifest.json"
FORMAT = 2  # the layout of the index folder; a change means a fresh build
# Whoosh keeps deleted documents in its segments until a fresh build: rebuild once they are more
# than this share of the index (and more than a few hundred, below which a rebuild saves nothing)
MAX_DELETED_SHARE, MAX_DELETED_FLOOR = 0.2, 500


@dataclass(frozen=True)
class IndexUpdate:
    engine: str
    fresh: bool  # built from nothing (else updated from the previous index)
    added: int
    changed: int
    removed: int
    documents: int


def engine_name(engine: str | None = None) -> str:
    name = (engine or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"{ENGINE_ENV} 应为 {' 或 '.join(ENGINES)}，现为“{name}”")
    return name


def build_index(content: ContentSet, out_dir: Path | str, site_dir: Path | str | None = None,
                engine: str | None = None, incremental: bool = True) -> IndexUpdate:
    """Index every document of `content` into `out_dir` (updating the index there if it can).

    `site_dir` (the built site) supplies the page shell for the server-rendered /search/ page.
    """
    out_dir = Path(out_dir)
    staging = staging_dir(out_dir)
    done = write_index(content, staging, out_dir if incremental else None, engine)
    finish_index(staging, out_dir, site_dir)
    return done


def staging_dir(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.tmp")


def _replaced_by(staging: Path) -> Path:
    """The index folder a staging folder will replace (see staging_dir)."""
    return staging.with_name(staging.name[1:].removesuffix(".tmp"))


_AUTO = object()


def write_index(content: ContentSet, staging: Path, previous: Path | None | object = _AUTO,
                engine: str | None = None) -> IndexUpdate:
    """The slow part (it can run in another process while the site is built): index into
    `staging`, updating a copy of `previous` (by default the index `staging` will replace) when
    it is compatible."""
    name = engine_name(engine)
    previous = _replaced_by(staging) if previous is _AUTO else previous
    shutil.rmtree(staging, ignore_errors=True)
    words = org_words(content.org.units.values())
    tool = analyzer(words)
    prints = fingerprints(content)
    old = _manifest(previous, name, tool) if previous else None
    backend = _backend(name)
    analyse = partial(_analysed, tool)
    if old is None or not _worth_updating(name, old, prints):
        staging.mkdir(parents=True)
        backend.create(staging, [analyse(record(content, content.documents[p])) for p in prints])
        done = IndexUpdate(name, True, len(prints), 0, 0, len(prints))
        deleted = 0
    else:
        _copy(previous, staging)
        changed = [path for path, mark in prints.items() if old["documents"].get(path) != mark]
        removed = sorted(set(old["documents"]) - set(prints))
        backend.update(staging, [analyse(record(content, content.documents[p])) for p in changed], removed, analyse)
        added = sum(path not in old["documents"] for path in changed)
        deleted = old.get("deleted", 0) + len(changed) - added + len(removed)
        done = IndexUpdate(name, False, added, len(changed) - added, len(removed), len(prints))
    _write_json(staging / MANIFEST_FILE, {"format": FORMAT, "engine": name, "analyzer": tool.fingerprint,
                                          "deleted": deleted, "documents": prints})
    units = {code: {"name": u.name, "organ": u.organ, "parent": u.parent} for code, u in content.org.units.items()}
    _write_json(staging / META_FILE, {"format": FORMAT, "engine": name, "documents": len(prints),
                                      "today": content.today.isoformat(), "units": units, "words": list(words)})
    return done


def finish_index(staging: Path, out_dir: Path, site_dir: Path | str | None) -> None:
    """Add the page shell from the built site and swap the finished index in."""
    if site_dir is not None:
        from .page_shell import write_page_shell

        write_page_shell(Path(site_dir), staging / PAGE_FILE)
    swap_in(staging, out_dir)


def _backend(name: str):
    if name == "fts5":
        from . import fts5_backend

        return fts5_backend
    from . import whoosh_backend

    return whoosh_backend


def _analysed(tool: Analyzer, rec: IndexRecord):
    return rec, tool.analyse(rec.title), tool.analyse(rec.text)


def _copy(previous: Path, staging: Path) -> None:
    """The previous index, to be updated: files the engines never change in place are linked."""
    staging.mkdir(parents=True)
    for path in previous.iterdir():
        try:
            if path.suffix in (".seg", ".toc"):  # Whoosh writes new segment files, never old ones
                os.link(path, staging / path.name)
                continue
        except OSError:
            pass
        shutil.copy2(path, staging / path.name)


def _manifest(previous: Path, name: str, tool: Analyzer) -> dict | None:
    """The previous index's manifest if that index can be updated in place of a fresh build."""
    try:
        manifest = json.loads((previous / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = (manifest.get("format"), manifest.get("engine"), manifest.get("analyzer")) == (FORMAT, name, tool.fingerprint)
    return manifest if same and isinstance(manifest.get("documents"), dict) else None


def _worth_updating(name: str, old: dict, now: dict[str, str]) -> bool:
    if name != "whoosh":
        return True
    stale = old.get("deleted", 0) + sum(1 for p, f in old["documents"].items() if now.get(p) != f)
    return stale <= max(MAX_DELETED_FLOOR, MAX_DELETED_SHARE * len(now))


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

"""The published site folder and its spare, so a build writes only what changed and still swaps the
whole site in at once.

`build/site` is the live site; `build/.site.next` is the site of the build before it. A build renders
into an empty staging folder only the pages whose inputs changed (plus MkDocs' few other files),
then brings the spare up to date — moving in what was written, copying from the live site what the
spare still lacks, deleting what the new site no longer has — and swaps the two folders. Readers
see the old site or the new one, never a mix, and a failed build leaves the live site as it was.
Deleting and rewriting ten thousand page folders costs seconds on this machine; this costs
milliseconds per changed page.

Each folder has a manifest in the cache folder: for every file, the key of the inputs its page was
rendered from (None for files that are not pages) and its size and modification time, so a file
changed by anyone else is not trusted. The spare's files are replaced by rename, never written in
place, because a spare made from the live site shares its files (hard links).
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from pathlib import Path

LIVE_MANIFEST, SPARE_MANIFEST = "site.json", "site-next.json"


class LiveSite:
    def __init__(self, out_dir: Path, cache_dir: Path, reuse: bool = True):
        self.live = out_dir / "site"
        self.spare = out_dir / ".site.next"
        self.staging = out_dir / ".site.tmp"
        self._cache_dir = cache_dir
        self._reuse = reuse
        self._live = _read(cache_dir / LIVE_MANIFEST) if self.live.is_dir() else {}
        self._spare = _read(cache_dir / SPARE_MANIFEST) if self.spare.is_dir() else {}
        self._pages: dict[str, str] = {}  # dest → key, for every page of this build
        self._reused: set[str] = set()
        self.pages_written = self.pages_kept = 0  # HTML pages, known after publish()

    def unchanged(self, dest: str, key: str) -> bool:
        """True if the live site's `dest` was rendered from inputs with this key (then it is kept)."""
        entry = self._live.get(dest) if self._reuse else None
        if entry is None or entry[0] != key or _stat(self.live / dest) != entry[1:]:
            return False
        self._reused.add(dest)
        return True

    def live_html(self, dest: str) -> str:
        return (self.live / dest).read_text(encoding="utf-8")

    def record(self, dest: str, key: str) -> None:
        self._pages[dest] = key

    def publish(self) -> None:
        """Make the staging folder plus the kept pages the live site."""
        written = _scan(self.staging)
        wanted = {dest: self._pages.get(dest) for dest in written.keys() | self._reused}
        self.pages_written = sum(1 for dest in written if dest.endswith(".html"))
        self.pages_kept = len(self._reused)
        _forget(self._cache_dir)
        if not self._reused and not self._spare:  # nothing to keep: the staging folder is the site
            shutil.rmtree(self.spare, ignore_errors=True)
            self._swap(self.staging, {dest: [key, *written[dest]] for dest, key in wanted.items()})
            return
        if not self._spare:
            self._spare = _link_copy(self.live, self.spare, self._live)
        manifest = self._update_spare(wanted, written)
        shutil.rmtree(self.staging, ignore_errors=True)
        self._swap(self.spare, manifest)

    def _update_spare(self, wanted: dict[str, str | None], written: dict[str, tuple]) -> dict[str, list]:
        present = _scan(self.spare)
        manifest = {}
        for dest, key in wanted.items():
            old = self._spare.get(dest)
            target = self.spare / dest
            trusted = old is not None and present.get(dest) == tuple(old[1:])
            if dest in written:
                source = self.staging / dest
                if trusted and (old[0] == key if key is not None else filecmp.cmp(source, target, shallow=False)):
                    manifest[dest] = old
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
            elif trusted and old[0] == key:
                manifest[dest] = old
                continue
            else:
                _replace_from(self.live / dest, target)
            manifest[dest] = [key, *_stat(target)]
        for gone in present.keys() - wanted.keys():
            _remove(self.spare, gone)
        return manifest

    def _swap(self, new: Path, manifest: dict[str, list]) -> None:
        old = self.live.with_name(".site.old")
        shutil.rmtree(old, ignore_errors=True)
        if self.live.exists():
            self.live.rename(old)
        new.rename(self.live)
        if old.exists():
            old.rename(self.spare)
            _write(self._cache_dir / SPARE_MANIFEST, self._live)
        _write(self._cache_dir / LIVE_MANIFEST, manifest)


def _stat(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _scan(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` (posix path relative to it) with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (st.st_size, st.st_mtime_ns)
    return found


def _link_copy(source: Path, target: Path, manifest: dict[str, list]) -> dict[str, list]:
    """A spare made of hard links to the live site's files (its manifest holds for them too)."""
    shutil.rmtree(target, ignore_errors=True)
    kept = {}
    for dest, entry in manifest.items():
        if _stat(source / dest) == entry[1:]:
            (target / dest).parent.mkdir(parents=True, exist_ok=True)
            os.link(source / dest, target / dest)
            kept[dest] = entry
    target.mkdir(parents=True, exist_ok=True)
    return kept


def _replace_from(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copy2(source, tmp)
    os.replace(tmp, target)


def _remove(root: Path, dest: str) -> None:
    path = root / dest
    path.unlink()
    parent = path.parent
    while parent != root and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _read(path: Path) -> dict[str, list]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write(path: Path, manifest: dict[str, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


def _forget(cache_dir: Path) -> None:
    """Before any folder changes: a manifest that may no longer match its folder must not be read."""
    for name in (LIVE_MANIFEST, SPARE_MANIFEST):
        (cache_dir / name).unlink(missing_ok=True)

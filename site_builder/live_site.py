"""The published site folder and its spare, so a build writes only what changed and still swaps the
whole site in at once.

`build/site` is the live site; `build/.site.next` is the site of the build before it. A build renders
into an empty staging folder only the pages whose inputs changed (plus MkDocs' few other files),
then brings the spare up to date — moving in what was written, copying from the live site what the
spare still lacks, deleting what the new site no longer has — and swaps the two folders. When most
pages changed (a first build, a new build date, new code) the staging folder itself becomes the site
instead, with hard links to the pages that stayed. Readers
see the old site or the new one, never a mix, and a failed build leaves the live site as it was.
Deleting and rewriting ten thousand page folders costs seconds on this machine; this costs
milliseconds per changed page.

Each folder has a manifest in the cache folder: for every file, the key of the inputs its page was
rendered from (None for files that are not pages), its size and modification time (a file changed
by anyone else is not trusted) and, for pages, the facts other pages' link checks need from it. The
spare's files are replaced by rename, never written in place, because a spare made from the live
site shares its files (hard links).
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from pathlib import Path

LIVE_MANIFEST, SPARE_MANIFEST = "site.json", "site-next.json"
OUTGOING_MANIFEST = "site-outgoing.json"  # the live site's manifest while it is being replaced


class LiveSite:
    def __init__(self, out_dir: Path, cache_dir: Path, reuse: bool = True):
        self.live = out_dir / "site"
        self.spare = out_dir / ".site.next"
        self.staging = out_dir / ".site.tmp"
        self._cache_dir = cache_dir
        self._reuse = reuse
        self._live = _read(cache_dir / LIVE_MANIFEST) if self.live.is_dir() else {}
        self._spare = _read(cache_dir / SPARE_MANIFEST) if self.spare.is_dir() else {}
        self._pages: dict[str, tuple[str, dict]] = {}  # dest → (key, facts) of pages rendered now
        self._reused: set[str] = set()
        self.pages_written = self.pages_kept = 0  # HTML pages, known after publish()

    def kept(self, dest: str, key: str) -> dict | None:
        """The page's facts if the live site's `dest` was rendered from inputs with this key (it is
        then kept, not written again); else None."""
        entry = self._live.get(dest) if self._reuse else None
        if entry is None or entry[0] != key or _stat(os.path.join(self.live, dest)) != entry[1:3] or entry[3] is None:
            return None
        self._reused.add(dest)
        return entry[3]

    def live_html(self, dest: str) -> str:
        return (self.live / dest).read_text(encoding="utf-8")

    def record(self, dest: str, key: str, facts: dict) -> None:
        self._pages[dest] = (key, facts)

    def publish(self) -> None:
        """Make the staging folder plus the kept pages the live site."""
        written = _scan(self.staging)
        wanted = {dest: self._pages.get(dest, (None, None)) for dest in written}
        wanted.update({dest: (self._live[dest][0], self._live[dest][3]) for dest in self._reused})
        self.pages_written = sum(1 for dest in written if dest.endswith(".html"))
        self.pages_kept = len(self._reused)
        _retire(self._cache_dir)
        if len(self._reused) < len(written) or not (self._spare or self._reused):
            # Most pages are new (a first build, a new day, a code change): the staging folder becomes
            # the site, with hard links to the few kept pages; the old spare is not worth updating.
            for dest in self._reused:
                _link(self.live, self.staging, dest)
            shutil.rmtree(self.spare, ignore_errors=True)
            manifest = {dest: [key, *(written.get(dest) or _stat(os.path.join(self.staging, dest))), facts]
                        for dest, (key, facts) in wanted.items()}
            self._swap(self.staging, manifest)
            return
        if not self._spare:
            self._spare = _link_copy(self.live, self.spare, self._live)
        manifest = self._update_spare(wanted, written)
        shutil.rmtree(self.staging, ignore_errors=True)
        self._swap(self.spare, manifest)

    def _update_spare(self, wanted: dict[str, tuple], written: dict[str, tuple]) -> dict[str, list]:
        present = _scan(self.spare)
        manifest = {}
        for dest, (key, facts) in wanted.items():
            old = self._spare.get(dest)
            target = os.path.join(self.spare, dest)
            trusted = old is not None and present.get(dest) == tuple(old[1:3])
            if dest in written:
                source = os.path.join(self.staging, dest)
                same = trusted and (old[0] == key if key is not None else filecmp.cmp(source, target, shallow=False))
                if not same:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    os.replace(source, target)
            else:
                same = trusted and old[0] == key
                if not same:
                    _replace_from(os.path.join(self.live, dest), target)
            manifest[dest] = [key, *(present[dest] if same else _stat(target)), facts]
        for gone in present.keys() - wanted.keys():
            _remove(self.spare, gone)
        return manifest

    def _swap(self, new: Path, manifest: dict[str, list]) -> None:
        old = self.live.with_name(".site.old")
        shutil.rmtree(old, ignore_errors=True)
        if self.live.exists():
            self.live.rename(old)
        new.rename(self.live)
        outgoing = self._cache_dir / OUTGOING_MANIFEST
        if old.exists():
            old.rename(self.spare)
            if outgoing.exists():
                outgoing.replace(self._cache_dir / SPARE_MANIFEST)  # the old live site's manifest, unchanged
        outgoing.unlink(missing_ok=True)
        _write(self._cache_dir / LIVE_MANIFEST, manifest)


def _stat(path: str) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _scan(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` (posix path relative to it) with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (st.st_size, st.st_mtime_ns)
    return found


def _link_copy(source: Path, target: Path, manifest: dict[str, list]) -> dict[str, list]:
    """A spare made of hard links to the live site's files (its manifest holds for them too)."""
    shutil.rmtree(target, ignore_errors=True)
    kept = {}
    made: set[str] = set()
    for dest, entry in manifest.items():
        if _stat(os.path.join(source, dest)) == entry[1:3]:
            folder = os.path.dirname(os.path.join(target, dest))
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            os.link(os.path.join(source, dest), os.path.join(target, dest))
            kept[dest] = entry
    target.mkdir(parents=True, exist_ok=True)
    return kept


def _link(source: Path, target: Path, dest: str) -> None:
    path = os.path.join(target, dest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.link(os.path.join(source, dest), path)


def _replace_from(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.tmp")
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


def _retire(cache_dir: Path) -> None:
    """Before any folder changes: no manifest may be read for a folder it may no longer describe.
    The live site's is set aside, to become the spare's once the live site is swapped out."""
    (cache_dir / SPARE_MANIFEST).unlink(missing_ok=True)
    live = cache_dir / LIVE_MANIFEST
    if live.exists():
        live.replace(cache_dir / OUTGOING_MANIFEST)

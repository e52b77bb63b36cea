"""What one build keeps for the next, so that an edit re-renders only what it changes.

The bodies store (SQLite, in the cache folder: `build/.cache/` for `portal build`) holds the HTML
MkDocs renders from a page's Markdown, with its table of contents, anchors and links, keyed by the
Markdown, the page's path and the build fingerprint; a body whose links pointed at files is reused
only while those files still resolve to the same URLs (page_bodies.py). Whole pages are kept in the
live site itself (live_site.py), keyed by everything their template was given.

Keys include `fingerprint()`: the portal's own code and theme, the versions of the libraries that
render, and the MkDocs configuration, so any of those changing re-renders everything.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

CACHE_FORMAT = "1"
BODIES_FILE = "bodies.sqlite"
SITE_MANIFEST = "site-manifest.json"
# The libraries whose output ends up in the pages.
RENDERING_PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe")
_PACKAGE_DIR = Path(__file__).resolve().parent


def fingerprint(config_file: str | None, extra: dict) -> str:
    """One digest of everything outside a page that its HTML depends on."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{sys.version_info[:2]}\0".encode())
    for name in RENDERING_PACKAGES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    for path in sorted(p for p in _PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    if config_file and Path(config_file).is_file():
        digest.update(Path(config_file).read_bytes())
    digest.update(json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class RenderCache:
    """The bodies store."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.folder / BODIES_FILE)
        self._db.execute("CREATE TABLE IF NOT EXISTS body (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._new_bodies: dict[str, str] = {}
        self._used_bodies: set[str] = set()
        self.hits = {"bodies": 0}

    # -- bodies --------------------------------------------------------------------------------

    def body(self, key: str) -> dict | None:
        row = self._db.execute("SELECT value FROM body WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used_bodies.add(key)
        return json.loads(row[0])

    def put_body(self, key: str, value: dict) -> None:
        self._new_bodies[key] = json.dumps(value, ensure_ascii=False)
        self._used_bodies.add(key)

    def touch(self, keys) -> None:
        """Keep these entries although this build did not read them (their page was kept whole)."""
        self._used_bodies.update(keys)

    def hit(self, kind: str) -> None:
        self.hits[kind] += 1

    def save_bodies(self) -> None:
        """Store the new bodies and forget those this build did not use."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO body VALUES (?, ?)", self._new_bodies.items())
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM used")
            self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used_bodies))
            self._db.execute("DELETE FROM body WHERE key NOT IN (SELECT key FROM used)")
        self._new_bodies.clear()

    def close(self) -> None:
        self._db.close()

"""Run MkDocs over validated content and write the build artifacts, replacing the old ones only
when everything succeeded (a failed build leaves the previous site in place)."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from .atomic import swap_in
from .live_site import LiveSite
from .loader import ContentSet
from .mkdocs_plugin import portal_plugin
from .registry import REGISTRY_FILE, Registry
from .render_cache import BODIES_FILE, RenderCache
from .shells import GENERIC_SHELL, generic_shell

SITE_DIR = "site"
SHELLS_DIR = "shells"  # built pages the functions fill in (forms re-rendered, receipts), see shells.py
CACHE_DIR = ".cache"  # what this build keeps for the next one (render_cache.py); never published


@dataclass(frozen=True)
class SiteBuild:
    site: Path
    pages_written: int  # HTML pages rendered and written by this build
    pages_kept: int  # HTML pages whose inputs had not changed, kept from the previous build


def build_site(content: ContentSet, out_dir: Path, config_file: Path, site_url: str | None = None,
               reuse: bool = True) -> SiteBuild:
    """Build `out_dir/site` and `out_dir/registry.json`.

    With `reuse`, pages and bodies whose inputs are unchanged since the last build are taken from
    it; the site is byte for byte the one a build without reuse makes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".{SITE_DIR}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    overrides = {"docs_dir": str(content.root.resolve()), "site_dir": str(staging.resolve())}
    if site_url:
        overrides["site_url"] = site_url
    config = load_config(config_file=str(config_file), **overrides)
    if not reuse:
        (out_dir / CACHE_DIR / BODIES_FILE).unlink(missing_ok=True)
    cache = RenderCache(out_dir / CACHE_DIR)
    site = LiveSite(out_dir, out_dir / CACHE_DIR, reuse=reuse)
    plugin = portal_plugin(config)
    plugin.prepare(content, cache, site)
    logger = logging.getLogger("mkdocs")
    warnings = _WarningCollector()
    logger.addHandler(warnings)
    logger.setLevel(logging.WARNING)
    try:
        mkdocs_build(config)
    except Exception as exc:
        raise BuildError(warnings.messages or [str(exc)]) from exc
    finally:
        logger.removeHandler(warnings)
        plugin.prepare(None, None, None)
        cache.close()
    _write_shells(plugin.shells, staging, out_dir / f".{SHELLS_DIR}.tmp")
    site.publish()
    swap_in(out_dir / f".{SHELLS_DIR}.tmp", out_dir / SHELLS_DIR)
    registry_tmp = out_dir / f".{REGISTRY_FILE}.tmp"
    registry_tmp.write_text(Registry.from_content(content).to_json(), encoding="utf-8")
    registry_tmp.replace(out_dir / REGISTRY_FILE)
    return SiteBuild(out_dir / SITE_DIR, site.pages_written, site.pages_kept)


def _write_shells(shells: dict[str, str], site_dir: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, html in shells.items():
        (target / f"{name}.html").write_text(html, encoding="utf-8")
    (target / f"{GENERIC_SHELL}.html").write_text(generic_shell((site_dir / "404.html").read_text(encoding="utf-8")),
                                                  encoding="utf-8")


class BuildError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class _WarningCollector(logging.Handler):
    """Collects MkDocs warnings: in strict mode each one fails the build and must be shown."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())



"""Run MkDocs over validated content and write the build artifacts, replacing the old ones only
when everything succeeded (a failed build leaves the previous site in place)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from . import mkdocs_hooks
from .atomic import swap_in
from .loader import ContentSet
from .registry import REGISTRY_FILE, Registry
from .shells import GENERIC_SHELL, generic_shell

SITE_DIR = "site"
SHELLS_DIR = "shells"  # built pages the functions fill in (forms re-rendered, receipts), see shells.py


def build_site(content: ContentSet, out_dir: Path, config_file: Path, site_url: str | None = None) -> Path:
    """Build `out_dir/site` and `out_dir/registry.json`; return the site folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".{SITE_DIR}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    overrides = {"docs_dir": str(content.root.resolve()), "site_dir": str(staging.resolve())}
    if site_url:
        overrides["site_url"] = site_url
    config = load_config(config_file=str(config_file), **overrides)
    mkdocs_hooks.preloaded = content
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
        mkdocs_hooks.preloaded = None
    _write_shells(staging, out_dir / f".{SHELLS_DIR}.tmp")
    swap_in(staging, out_dir / SITE_DIR)
    swap_in(out_dir / f".{SHELLS_DIR}.tmp", out_dir / SHELLS_DIR)
    registry_tmp = out_dir / f".{REGISTRY_FILE}.tmp"
    registry_tmp.write_text(Registry.from_content(content).to_json(), encoding="utf-8")
    registry_tmp.replace(out_dir / REGISTRY_FILE)
    return out_dir / SITE_DIR


def _write_shells(site_dir: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, html in mkdocs_hooks.shells.items():
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



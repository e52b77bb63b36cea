"""Shared fixtures: the small fixture content set, built once per session for a fixed day."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"
FIXTURE_TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture content, for tests that break it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory) -> Path:
    """`portal build` of the fixture content as of 2026-06-01; returns the build folder."""
    from portal.cli import main

    out = tmp_path_factory.mktemp("build")
    code = main(["build", "--content", str(FIXTURE_CONTENT), "--out", str(out),
                 "--today", FIXTURE_TODAY.isoformat(), "--config", str(ROOT / "mkdocs.yml")])
    assert code == 0
    return out


def pytest_collection_modifyitems(config, items):
    """`slow`: needs the fixture site built (or a served portal); `browser`: drives Chromium.
    `make test-fast` leaves both out (see the README)."""
    for item in items:
        if "built_fixture" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
        if item.module.__name__.endswith("_browser"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)

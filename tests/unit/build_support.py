"""Helpers for the build tests: a writable copy of the fixture content with extra policies, builds,
and comparing two build folders file by file."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY, ROOT


def content_with_policies(target: Path, count: int) -> Path:
    """The fixture content plus `count` policies of 保定市 (人才工作, 2023), enough to paginate."""
    shutil.copytree(FIXTURE_CONTENT, target)
    for n in range(1, count + 1):
        write_policy(target, n, f"关于做好第{n}批人才工作的通知")
    return target


def write_policy(content: Path, n: int, title: str, body: str | None = None) -> Path:
    path = content / "policies" / f"rencai-{n:03d}.md"
    path.write_text(
        f"---\ntitle: {title}\ndoc_number: 保办字〔2023〕{n}号\nissuer: 保定市\n"
        f"published: 2023-{1 + n % 12:02d}-{1 + n % 28:02d}\neffective: 2023-12-31\ncategory: 人才工作\n---\n"
        + (body or f"## 一、总体要求\n\n做好第{n}批人才的引进和培养。\n"), encoding="utf-8")
    return path


def build(content: Path, out: Path, *extra: str) -> int:
    from portal.cli import main

    return main(["build", "--content", str(content), "--out", str(out), "--today", FIXTURE_TODAY.isoformat(),
                 "--config", str(ROOT / "mkdocs.yml"), *extra])


def differences(a: Path, b: Path) -> list[str]:
    """Paths (relative) whose bytes differ or that exist on one side only; [] when identical."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    dirs_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_dir()}
    dirs_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_dir()}
    out = sorted((files_a ^ files_b) | (dirs_a ^ dirs_b))
    out += sorted(p for p in files_a & files_b if not filecmp.cmp(a / p, b / p, shallow=False))
    return out

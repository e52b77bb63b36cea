"""Replacing a build artifact folder so readers never see half of it: build beside it, then swap."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_in(new: Path, target: Path) -> None:
    """Put the finished folder `new` at `target`, removing what was there."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)

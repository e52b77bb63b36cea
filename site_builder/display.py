"""Display modes (无障碍 and 适老化): text size, high contrast, 适老化 — one definition for the theme,
the build and the no-JavaScript switch (functions/routes/display.py).

With JavaScript the toolbar puts classes on <html> (`portal-large`, `portal-contrast`, …) and keeps
the choice in local storage and in the cookie below. Without it, the toolbar's links go to
/forms/display, which sets the cookie, and every page asks /forms/display.css (inside <noscript>)
for the stylesheet of the cookie's choice: a redirect to one of the variants built here, the same
rules as the theme's mode files with their `html.portal-…` scope turned into plain `html`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

COOKIE = "portal_display"
SIZES = ("standard", "large", "larger")  # 标准 / 大 / 特大
FLAGS = ("contrast", "elder")  # 高对比度 / 适老化
MODES_DIR = Path(__file__).parent / "theme" / "assets" / "display"
VARIANTS_URI = "assets/display/variants"  # built: one stylesheet per choice, <key>.css
_SCOPE = re.compile(r"html\.portal-(large|larger|contrast|elder)\b")


@dataclass(frozen=True)
class Choice:
    size: str = "standard"
    contrast: bool = False
    elder: bool = False

    @property
    def key(self) -> str:
        parts = [self.size] + [flag for flag in FLAGS if getattr(self, flag)]
        return "-".join(parts)

    @property
    def stylesheet(self) -> str:
        return f"/{VARIANTS_URI}/{self.key}.css"


def parse(value: str | None) -> Choice:
    """The choice a cookie holds; anything unknown counts as the standard display."""
    parts = (value or "").split("-")
    size = parts[0] if parts[0] in SIZES else "standard"
    return Choice(size, "contrast" in parts[1:], "elder" in parts[1:])


def choices() -> list[Choice]:
    return [Choice(size, contrast, elder)
            for size, contrast, elder in itertools.product(SIZES, (False, True), (False, True))]


def variant_css(choice: Choice, modes_dir: Path = MODES_DIR) -> str:
    """The theme's mode rules for `choice`, applying without the classes JavaScript would set."""
    active = [] if choice.size == "standard" else [choice.size]
    active += [flag for flag in FLAGS if getattr(choice, flag)]
    parts = [f"/* 显示方式：{choice.key}（由 site_builder/display.py 生成） */"]
    for mode in active:
        parts.append(_SCOPE.sub("html", (modes_dir / f"{mode}.css").read_text(encoding="utf-8")))
    return "\n".join(parts) + "\n"

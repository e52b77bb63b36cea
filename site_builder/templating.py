"""The one way the project makes a Jinja2 environment: autoescape on for every template, blocks
trimmed, and the China-time filters, whether the template is rendered by the builder or by a function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .chinatime import china_clock, china_minute, chinese_date


def environment(folder: Path, filters: dict[str, Callable] | None = None) -> Environment:
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(china_minute=china_minute, china_clock=china_clock, chinese_date=chinese_date)
    env.filters.update(filters or {})
    return env

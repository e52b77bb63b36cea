"""CSV exports for staff, made to open correctly in Excel and WPS on a Chinese desktop, and
never to run anything the public typed.

Formula neutralisation (CSV injection, OWASP): a text cell whose first non-blank character is
`=`, `+`, `-`, `@` (or the full-width forms an IME types), or that starts with a tab or CR, gets a
single quote in front, so the spreadsheet shows it as text. Decisions:
- Leading whitespace does not protect a cell: spreadsheets differ in whether they trim it before
  deciding what a cell is, so " =1+1" is neutralised too. The price is one visible apostrophe on
  rare, harmless texts such as " - 无".
- Only text is neutralised. int/float/Decimal values are written as numbers (-5 stays -5 and is a
  number in Excel); the *string* "-5" is text a person typed and is neutralised like "=1+1".
  Callers that want numbers to stay numbers pass numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO
from urllib.parse import quote

_FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
_CONTROL_START = ("\t", "\r")


def neutralise(text: str) -> str:
    """The text, prefixed with ' if a spreadsheet could read it as a formula."""
    if text.startswith(_CONTROL_START):
        return "'" + text
    stripped = text.lstrip()
    if stripped and stripped[0] in _FORMULA_SIGNS:
        return "'" + text
    return text


def _plain(value: object) -> tuple[str, bool]:
    """(text, whether it is free text that needs neutralising)."""
    if value is None:
        return "", False
    if isinstance(value, bool):  # before int: True is an int, but staff read 是/否, not 1/0
        return ("是" if value else "否"), False
    if isinstance(value, (int, float, Decimal)):
        # "-inf"/"nan" are not numbers to a spreadsheet; "-inf" would even be read as a formula
        return str(value), not math.isfinite(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds"), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        # e.g. the options of a multiple-choice answer: joined, then neutralised as one text
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "、".join(_plain(v)[0] for v in items), True
    return str(value), True


def cell(value: object) -> str:
    """One value as CSV cell text: None → empty, dates ISO, numbers as numbers, text neutralised."""
    text, free = _plain(value)
    return neutralise(text) if free else text


def write_csv(out: BinaryIO, headers: list[str], rows: Iterable[Iterable[object]]) -> int:
    """Write the CSV to a binary file as the rows come (an export never holds them all) and return how
    many rows were written. UTF-8 with BOM (without it Excel reads Chinese as GBK mojibake), CRLF line
    ends, RFC 4180 quoting; headers are neutralised too (they may be question texts written by editors)."""
    # Lone surrogates cannot be stored by the public forms; "replace" keeps an export from failing
    # on a stray one from elsewhere rather than losing the whole file.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", errors="replace", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([cell(h) for h in headers])
        count = 0
        for row in rows:
            writer.writerow([cell(v) for v in row])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # the caller's file stays open


def to_csv(headers: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """The whole CSV as bytes (small files; exports stream with write_csv)."""
    buffer = io.BytesIO()
    write_csv(buffer, headers, rows)
    return buffer.getvalue()


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _clean(name: str) -> str:
    # No path parts, quotes or control characters; no leading dots (hidden files, "..").
    name = _UNSAFE_IN_NAME.sub("_", name).strip().lstrip(".")
    return name[:120] or "download"


def _ascii_fallback(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = _NOT_ASCII_SAFE.sub("", ext)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = _NOT_ASCII_SAFE.sub("_", ascii_stem).strip("._-")
    return (ascii_stem or "download") + (f".{ext}" if ext else "")


def safe_filename(name: str) -> str:
    """Content-Disposition filename parameters for `name`: an ASCII fallback for old clients and
    the exact UTF-8 name per RFC 6266/5987, e.g.
    `filename="jiandu-banfa.csv"; filename*=UTF-8''%E6%84%8F%E8%A7%81-jiandu-banfa.csv`."""
    name = _clean(name)
    return f"filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The whole header value, e.g. `attachment; filename="x.csv"; filename*=UTF-8''…`."""
    return f"{'inline' if inline else 'attachment'}; {safe_filename(name)}"

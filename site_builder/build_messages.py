"""MkDocs' warnings in Chinese, as `path:line: 正文: message` where the warning names a file.

`portal check` finds the link problems MkDocs would warn about before the build runs (links.py), so
these should not reach an editor; if one does (another MkDocs rule, a page changed between check and
build), it is still told in Chinese, at the line of the link when the link can be found in the file.
"""

from __future__ import annotations

import re
from pathlib import Path

_SUGGEST = r"(?: Did you mean '(?P<suggest>[^']*)'\?)?"
_RULES = (
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link '(?P<url>[^']*)', but the target(?: '[^']*')? is not "
                r"found among documentation files\." + _SUGGEST),
     "链接的文件“{url}”不存在"),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains an unrecognized relative link '(?P<url>[^']*)', it was left as "
                r"is\." + _SUGGEST),
     "链接“{url}”没有指向文件：站内链接请写到 .md 文件"),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains an absolute link '(?P<url>[^']*)', it was left as is\."
                + _SUGGEST),
     "链接“{url}”以 / 开头：请写相对本文件的 .md 路径"),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link to '(?P<url>[^']*)' which is excluded from the built "
                r"site\."),
     "链接的“{url}”不会发布（可能是草稿）"),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link '(?P<url>[^']*)', but the doc '[^']*' does not contain "
                r"an anchor '#(?P<anchor>[^']*)'\."),
     "链接“{url}”指向的文件中没有“#{anchor}”"),
    (re.compile(r"Doc file '(?P<src>[^']+)' contains a link '(?P<url>[^']*)', but there is no such anchor on this "
                r"page\."),
     "本页没有链接“{url}”指向的锚点"),
)


def translate_build_message(message: str, content_root: Path | None = None) -> str:
    """One MkDocs warning → one Chinese line (unknown warnings keep their text after a Chinese lead)."""
    for pattern, template in _RULES:
        match = pattern.match(message.strip())
        if match:
            fields = match.groupdict()
            text = template.format(**{k: v or "" for k, v in fields.items()})
            if fields.get("suggest"):
                text += f"，是否应为“{fields['suggest']}”？"
            line = _line_of(content_root, fields["src"], fields.get("url") or "")
            return f"{fields['src']}:{line}: 正文: {text}"
    if "not included in the \"nav\" configuration" in message:
        return ""  # documents are reached through listings, never through the nav: not a problem
    return f"构建程序报告了问题（原文）：{message.strip()}"


def _line_of(root: Path | None, src: str, url: str) -> int:
    if root is None or not url:
        return 1
    try:
        lines = (root / src).read_text(encoding="utf-8").split("\n")
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, start=1) if f"({url}" in line or f"]: {url}" in line), 1)

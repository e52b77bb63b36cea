"""Reading editors' files: YAML with a line number for every key, and Markdown front matter.

Dates stay strings here so that an impossible date (2025-02-30) is reported by the model at its
own line instead of aborting the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .yaml_messages import yaml_problem


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix, printed as `path:line: field: message`."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


_NO_TIMESTAMPS = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (Pydantic parses dates and reports bad ones)."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


# Parsing is the slow part of YAML: use libyaml's parser when PyYAML was built with it (the
# wheels are), with the same resolvers; node marks carry the same line numbers.
_Composer = type("_Composer", (yaml.CSafeLoader,), {"yaml_implicit_resolvers": _NO_TIMESTAMPS}) \
    if getattr(yaml, "__with_libyaml__", False) else _Loader


@dataclass
class YamlDoc:
    """Parsed YAML data plus the 1-based line of every key path, e.g. ("questions", 2, "show_if")."""

    data: object
    lines: dict[tuple, int] = field(default_factory=dict)
    first_line: int = 1
    # Slips that YAML accepts but the editor did not mean: (line, field, message), e.g. a key written twice.
    slips: list[tuple[int, str, str]] = field(default_factory=list)

    def line_of(self, loc: tuple) -> int:
        # Walk up the path until a located node is found (a missing field points at its parent).
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.first_line


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def parse_yaml(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse YAML text; `line_offset` is added to every line (front matter starts below `---`)."""
    try:
        try:
            node = yaml.compose(text, Loader=_Composer)
        except yaml.YAMLError:  # rare: let the Python parser say where, as it names the line editors expect
            node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, text)
        raise YamlError(line + line_offset, f"YAML 格式错误：{message}") from None
    doc = YamlDoc(data=None, first_line=1 + line_offset)
    if node is None:
        return doc
    _index(node, (), doc, line_offset)
    loader = _Loader("")
    try:
        doc.data = loader.construct_document(node)
    except yaml.YAMLError as exc:  # e.g. an unhashable key
        raise YamlError(1 + line_offset, f"YAML 内容无法解析：{yaml_problem(exc, text)[1]}") from None
    finally:
        loader.dispose()
    return doc


def _index(node: yaml.Node, path: tuple, doc: YamlDoc, offset: int) -> None:
    lines = doc.lines
    lines.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            line = key.start_mark.line + 1 + offset
            if sub in lines and isinstance(key, yaml.ScalarNode):
                doc.slips.append((line, key.value, f"字段“{key.value}”重复（第 {lines[sub]} 行已写过），请只保留一个"))
            lines[sub] = line  # the later value is the one YAML keeps
            _index(value, sub, doc, offset)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1 + offset
            _index(item, path + (i,), doc, offset)


@dataclass
class MarkdownSource:
    front_matter: YamlDoc
    body: str
    body_first_line: int


def split_front_matter(text: str) -> MarkdownSource:
    """Split `---` delimited front matter from the body. Raises YamlError with a line number; a
    FrontMatterError (a YamlError) when only the YAML is wrong, carrying the body so it can still be checked."""
    raw, body, body_first_line = split_markdown(text)
    try:
        fm = parse_yaml(raw, line_offset=1)
    except YamlError as exc:
        raise FrontMatterError(exc.line, str(exc), body, body_first_line) from None
    return MarkdownSource(front_matter=fm, body=body, body_first_line=body_first_line)


def split_markdown(text: str) -> tuple[str, str, int]:
    """(front matter text, body, line the body starts at). Raises YamlError without delimiters."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise YamlError(1, "缺少元数据（文件必须以 --- 开头的 YAML 元数据块开始）")
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise YamlError(1, "元数据块没有结束（缺少第二个 ---）")
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1:]), end + 2


class FrontMatterError(YamlError):
    """The front matter is not valid YAML; the body was still read."""

    def __init__(self, line: int, message: str, body: str, body_first_line: int):
        super().__init__(line, message)
        self.body, self.body_first_line = body, body_first_line

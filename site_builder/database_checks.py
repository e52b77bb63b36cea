"""Links of the committees' databases: a congress's reports and resolutions, and the regulations and
policies a research report informs, must be published documents of the site. Each broken link is
reported at its own line, like every other cross-file rule (checks.py)."""

from __future__ import annotations

from collections.abc import Iterator

from .content import ContentSet, Document
from .models import KIND_LABELS, Congress, Kind, Research
from .sources import Problem

# What each list may point at: a congress's documents are any published page but another congress;
# a research report's `related` are rules, the regulations and policies it informs.
RELATED_KINDS = (Kind.regulation, Kind.policy)


def check_database_links(content: ContentSet) -> Iterator[Problem]:
    for doc in content.all_documents():
        if isinstance(doc.meta, Congress):
            for i, item in enumerate(getattr(doc.meta, "documents", [])):
                yield from _link_problem(content, doc, ("documents", i, "path"), item.path, _congress_target)
        elif isinstance(doc.meta, Research):
            for i, path in enumerate(getattr(doc.meta, "related", [])):
                yield from _link_problem(content, doc, ("related", i), path, _related_target)


def _congress_target(target: Document) -> str | None:
    if target.kind is Kind.congress:
        return "大会文件应链接报告或决议的文件，不能链接另一次代表大会"
    return None


def _related_target(target: Document) -> str | None:
    if target.kind not in RELATED_KINDS:
        return f"相关文件只能是党内法规或政策文件，这里链接的是{KIND_LABELS[target.kind]}"
    return None


def _link_problem(content: ContentSet, doc: Document, loc: tuple, path: str, kind_rule) -> Iterator[Problem]:
    name = ".".join(map(str, loc))
    line = doc.lines.line_of(loc)
    key = path.strip().lstrip("/")
    target = content.documents.get(key) or content.drafts.get(key)
    if target is None:
        yield Problem(doc.path, line, name, f"链接的文件“{path}”不存在（写相对 content/ 的路径，如 policies/xxx.md）")
    elif target is doc:
        yield Problem(doc.path, line, name, "文件不能链接它自己")
    elif target.is_draft and not doc.is_draft:
        yield Problem(doc.path, line, name, f"“{path}”是草稿（draft: true），不会发布，已发布的文件不能链接它")
    else:
        message = kind_rule(target)
        if message:
            yield Problem(doc.path, line, name, message)


def linked_documents(content: ContentSet, paths: list[str]) -> list[Document]:
    """The published documents `paths` name (all exist once the content passed its checks)."""
    return [content.documents[path.strip().lstrip("/")] for path in paths]

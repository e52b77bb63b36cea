"""Thin MkDocs glue: load the validated content once, add the generated pages, decorate document
pages. All real work lives in plain modules (loader, pages.*) that run without MkDocs."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from .build_context import today_from_env
from .loader import ContentError, ContentSet, load_content
from .pages.document import decorate_document
from .pages.feeds import news_feed
from .pages.home import home_page, survey_pages
from .pages.listings import listing_pages
from .pages.mailboxes import mailbox_pages
from .pages.public_forms import form_for_page, shell_name
from .shells import rooted

# `portal build` validates first and hands over the result here, so content is read only once.
preloaded: ContentSet | None = None
_content: ContentSet | None = None

# Built pages that carry a form, by shell name: the functions re-render the form inside them.
shells: dict[str, str] = {}

# Source files that feed the build but are not pages of the site.
_DATA_SUFFIXES = (".yaml", ".yml")


def on_config(config):
    global _content
    shells.clear()
    docs_dir = Path(config["docs_dir"]).resolve()
    if preloaded is not None and preloaded.root.resolve() == docs_dir:
        _content = preloaded
        return config
    try:
        _content = load_content(docs_dir, today=today_from_env())
    except ContentError as exc:
        listing = "\n".join(str(p) for p in exc.problems)
        raise PluginError(f"内容校验未通过（{len(exc.problems)} 个问题）：\n{listing}") from None
    return config


def on_files(files: Files, config) -> Files:
    for file in list(files):
        if file.src_uri.endswith(_DATA_SUFFIXES) and not file.generated_by or file.src_uri in _content.drafts:
            files.remove(file)  # data files are not pages; drafts (draft: true) are not published
    generated = [home_page(_content), *listing_pages(_content), *survey_pages(_content), *mailbox_pages(_content)]
    for page in generated:
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"{page.src_uri} 由系统生成，请不要在 content/ 中手写同名文件")
        files.append(File.generated(config, page.src_uri, content=page.markdown))
    site_url = config.get("site_url") or os.environ.get("PORTAL_SITE_URL") or "http://127.0.0.1:8000/"
    files.append(File.generated(config, "news/rss.xml", content=news_feed(_content, site_url, config["site_name"])))
    return files


def on_page_content(html: str, page, config, files):
    doc = _content.documents.get(page.file.src_uri)
    if doc is not None:
        html = decorate_document(_content, doc, html)
    form = form_for_page(_content, page.file.src_uri)
    return html if form is None else f"{html}\n{form}"


def on_post_page(output: str, page, config):
    name = shell_name(_content, page.file.src_uri)
    if name is not None:
        shells[name] = rooted(output, page.url)
    return output

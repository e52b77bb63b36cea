"""The portal's MkDocs plugin (`plugins: [portal]` in mkdocs.yml, registered by an entry point).

Thin glue: load the validated content once, add the generated pages, decorate document pages, and
hand page rendering to the plain modules that make it fast — `page_bodies` (plain bodies on a fast
path, `plain_markdown`; every other distinct Markdown body rendered once, kept between builds in
`render_cache`), `page_fill` (the theme template rendered
once per page shape) and `live_site` (pages whose inputs did not change are kept from the previous
build, not written again).
All real work lives in modules that run without MkDocs (loader, pages.*).
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import display
from .build_context import today_from_env
from .live_site import LiveSite
from .loader import ContentError, ContentSet, load_content
from .page_bodies import BodyRenderer, PortalPage
from .page_fill import TemplateFiller
from .page_outputs import PageOutputs
from .pages.document import body_inputs, document_body, document_head
from .pages.feeds import news_feed
from .pages.home import home_page, survey_pages
from .pages.listings import listing_pages
from .pages.mailboxes import mailbox_pages
from .pages.public_forms import form_for_page, guide_layout, shell_name
from .pages.site_info import site_info_pages
from .plain_markdown import PlainMarkdown
from .render_cache import RenderCache, fingerprint
from .shells import rooted

# Source files that feed the build but are not pages of the site.
_DATA_SUFFIXES = (".yaml", ".yml")
EMPTY_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
# Stands in for a page's template while MkDocs builds it; the real HTML is made in on_page_context.
_DEFERRED = jinja2.Template("")


class PortalPluginConfig(base.Config):
    # Folder kept between builds with rendered page bodies (relative to mkdocs.yml); `portal build`
    # uses build/.cache and also reuses whole pages of the previous site.
    cache_dir = c.Optional(c.Type(str))
    # Fill the theme template per page shape instead of rendering it for every page (page_fill).
    fill_templates = c.Type(bool, default=True)
    # Render bodies of plain paragraphs and headings directly instead of by Python-Markdown
    # (plain_markdown; the same HTML).
    plain_bodies = c.Type(bool, default=True)


class PortalPlugin(BasePlugin[PortalPluginConfig]):
    def __init__(self):
        self.content: ContentSet | None = None
        self.shells: dict[str, str] = {}  # built pages that carry a form, by shell name
        self._preloaded: ContentSet | None = None
        self._cache: RenderCache | None = None
        self._site: LiveSite | None = None
        self._bodies: BodyRenderer | None = None
        self._outputs: PageOutputs | None = None
        self._env: jinja2.Environment | None = None
        self._files: Files | None = None
        self._around: dict[str, tuple[str | None, str | None]] = {}  # src_uri → (head, form) around its body
        self._templates: dict[str, str] = {}  # src_uri → the page's own template (see _DEFERRED)
        self._html: dict[str, str | None] = {}  # src_uri → its HTML; None: the live site's page is kept

    def prepare(self, content: ContentSet | None, cache: RenderCache | None, site: LiveSite | None) -> None:
        """Called by `portal build` before building: the content it validated, its bodies cache and
        the live site whose unchanged pages are kept."""
        self._preloaded, self._cache, self._site = content, cache, site

    def on_config(self, config):
        self.shells.clear()
        docs_dir = Path(config["docs_dir"]).resolve()
        if self._preloaded is not None and self._preloaded.root.resolve() == docs_dir:
            self.content = self._preloaded
        else:
            self.content = _load(docs_dir)
        if self._cache is None and self.config.cache_dir:
            self._cache = RenderCache(Path(config.config_file_path or ".").parent / self.config.cache_dir)
        key = fingerprint(config.config_file_path, {"site_url": config.site_url})
        plain = PlainMarkdown.for_config(config) if self.config.plain_bodies else None
        self._bodies = BodyRenderer(self._cache, key, plain)
        filler = TemplateFiller() if self.config.fill_templates else None
        self._outputs = PageOutputs(self._site, filler, key, self._bodies)
        identity = self.content.identity
        config.extra["identity"] = identity.for_theme() if identity else None  # the footer reads it
        return config

    def on_files(self, files: Files, config) -> Files:
        for file in list(files):
            if file.src_uri.endswith(_DATA_SUFFIXES) and not file.generated_by or file.src_uri in self.content.drafts:
                files.remove(file)  # data files are not pages; drafts (draft: true) are not published
        generated = [home_page(self.content), *listing_pages(self.content), *survey_pages(self.content),
                     *mailbox_pages(self.content)]
        generated += site_info_pages(config["nav"] or [], generated, config["site_name"], self.content.identity)
        for page in generated:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"{page.src_uri} 由系统生成，请不要在 content/ 中手写同名文件")
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for choice in display.choices():  # the no-JavaScript display modes (site_builder/display.py)
            files.append(File.generated(config, f"{display.VARIANTS_URI}/{choice.key}.css",
                                        content=display.variant_css(choice)))
        site_url = config.get("site_url") or os.environ.get("PORTAL_SITE_URL") or "http://127.0.0.1:8000/"
        files.append(File.generated(config, "news/rss.xml",
                                    content=news_feed(self.content, site_url, config["site_name"])))
        # Material reads every <link rel="alternate"> as another language of the site and fetches
        # "sitemap.xml" beside it; for the feed's link that is news/sitemap.xml. An empty one answers
        # it (a 404 on every page otherwise, shown in the browser console).
        files.append(File.generated(config, "news/sitemap.xml", content=EMPTY_SITEMAP))
        return files

    def on_nav(self, nav, config, files: Files):
        self._files = files
        in_nav = {id(page) for page in nav.pages}
        for file in files.documentation_pages():
            if file.page is not None and id(file.page) not in in_nav:
                deferred = self._outputs.active and not file.inclusion.is_excluded()
                PortalPage(file, config, self._bodies, self._keep if deferred else None)  # replaces file.page
        return nav

    def _keep(self, page: PortalPage, source: str) -> bool:
        """Whether the live site's copy of this page stays (PortalPage.read_source asks, see page_outputs)."""
        head, form = self._around_body(page.file.src_uri)
        doc = self.content.documents.get(page.file.src_uri)
        return self._outputs.keep(page, source, self._files, head or "", form or "",
                                  body_inputs(self.content, doc) if doc else "")

    def _around_body(self, src: str) -> tuple[str | None, str | None]:
        if src not in self._around:
            doc = self.content.documents.get(src)
            head = document_head(self.content, doc) if doc is not None else None
            self._around[src] = (head, form_for_page(self.content, src))
        return self._around[src]

    def on_page_markdown(self, markdown: str, page: Page, config, files):
        self._around_body(page.file.src_uri)
        if isinstance(page, PortalPage) and page.keep is not None:
            self._templates[page.file.src_uri] = page.meta.get("template", "main.html")
        return markdown

    def on_page_content(self, html: str, page: Page, config, files):
        src = page.file.src_uri
        head, form = self._around.pop(src, (None, None))
        if src in self._templates:
            page.meta["template"] = _DEFERRED
        if isinstance(page, PortalPage) and page.portal_kept:
            return html
        if head is not None:
            html = head + "\n" + document_body(self.content, self.content.documents[src], html)
        html = guide_layout(src, html)
        return html if form is None else f"{html}\n{form}"

    def on_env(self, env, config, files):
        self._env = env
        return env

    def on_page_context(self, context, page: Page, config, nav):
        name = self._templates.pop(page.file.src_uri, None)
        if name is not None:
            page.meta.pop("template")
            kept = page.portal_kept
            self._html[page.file.src_uri] = None if kept else self._outputs.html(self._env.get_template(name), context, page)
        return context

    def on_post_page(self, output: str, page: Page, config):
        src, dest = page.file.src_uri, page.file.dest_uri
        if src in self._html:
            output = self._html.pop(src)
            if output is not None:
                self._outputs.record(page)
        name = shell_name(self.content, src)
        if name is not None:
            self.shells[name] = rooted(self._site.live_html(dest) if output is None else output, page.url)
        return output or ""  # empty: MkDocs writes nothing, the live site's page is kept

    def on_post_build(self, config):
        if self._cache is not None:
            self._cache.save_bodies()

    def on_shutdown(self):
        if self._bodies is not None:
            self._bodies.close()


def portal_plugin(config) -> PortalPlugin:
    plugin = config.plugins.get("portal")
    if not isinstance(plugin, PortalPlugin):
        raise PluginError("mkdocs.yml 的 plugins 中缺少 portal（门户插件）")
    return plugin


def _load(docs_dir: Path) -> ContentSet:
    try:
        return load_content(docs_dir, today=today_from_env())
    except ContentError as exc:
        listing = "\n".join(str(p) for p in exc.problems)
        raise PluginError(f"内容校验未通过（{len(exc.problems)} 个问题）：\n{listing}") from None

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

import json
import os
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .build_context import today_from_env
from .live_site import LiveSite
from .loader import ContentError, ContentSet, load_content
from .page_bodies import BodyRenderer, PortalPage
from .page_fill import TemplateFiller
from .plain_markdown import PlainMarkdown
from .pages.document import decorate_document
from .pages.feeds import news_feed
from .pages.home import home_page, survey_pages
from .pages.listings import listing_pages
from .pages.public_forms import form_for_page, shell_name
from .render_cache import RenderCache, digest, fingerprint

# Source files that feed the build but are not pages of the site.
_DATA_SUFFIXES = (".yaml", ".yml")
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
        self._filler: TemplateFiller | None = None
        self._env: jinja2.Environment | None = None
        self._fingerprint = ""
        self._deferred: dict[str, str] = {}  # src_uri → the page's own template name
        self._outputs: dict[str, str | None] = {}  # None: the live site's page is kept

    def prepare(self, content: ContentSet | None, cache: RenderCache | None, site: LiveSite | None) -> None:
        """Called by `portal build` before building: the content it validated, its bodies cache and
        the live site whose unchanged pages are kept."""
        self._preloaded, self._cache, self._site = content, cache, site

    @property
    def stats(self) -> dict[str, int]:
        """How many page bodies and pages were reused, filled in, or rendered by the template."""
        hits = self._cache.hits if self._cache else {"bodies": 0, "pages": 0}
        filled = (self._filler.filled, self._filler.rendered) if self._filler else (0, 0)
        return {"bodies_reused": hits["bodies"], "pages_kept": hits["pages"],
                "pages_filled": filled[0], "pages_rendered": filled[1]}

    def on_config(self, config):
        self.shells.clear()
        docs_dir = Path(config["docs_dir"]).resolve()
        if self._preloaded is not None and self._preloaded.root.resolve() == docs_dir:
            self.content = self._preloaded
        else:
            self.content = _load(docs_dir)
        if self._cache is None and self.config.cache_dir:
            folder = Path(config.config_file_path or ".").parent / self.config.cache_dir
            self._cache = RenderCache(folder)
        self._fingerprint = fingerprint(config.config_file_path, {"site_url": config.site_url})
        plain = PlainMarkdown.for_config(config) if self.config.plain_bodies else None
        self._bodies = BodyRenderer(self._cache, self._fingerprint, plain)
        self._filler = TemplateFiller() if self.config.fill_templates else None
        return config

    def on_files(self, files: Files, config) -> Files:
        for file in list(files):
            if file.src_uri.endswith(_DATA_SUFFIXES) and not file.generated_by:
                files.remove(file)
        generated = [home_page(self.content), *listing_pages(self.content), *survey_pages(self.content)]
        for page in generated:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"{page.src_uri} 由系统生成，请不要在 content/ 中手写同名文件")
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        site_url = config.get("site_url") or os.environ.get("PORTAL_SITE_URL") or "http://127.0.0.1:8000/"
        files.append(File.generated(config, "news/rss.xml",
                                    content=news_feed(self.content, site_url, config["site_name"])))
        return files

    def on_nav(self, nav, config, files: Files):
        in_nav = {id(page) for page in nav.pages}
        for file in files.documentation_pages():
            if file.page is not None and id(file.page) not in in_nav:
                PortalPage(file, config, self._bodies)  # replaces file.page
        return nav

    def on_page_content(self, html: str, page: Page, config, files):
        doc = self.content.documents.get(page.file.src_uri)
        if doc is not None:
            html = decorate_document(self.content, doc, html)
        form = form_for_page(self.content, page.file.src_uri)
        if isinstance(page, PortalPage) and not page.file.inclusion.is_excluded() \
                and (self._filler is not None or self._site is not None):
            self._deferred[page.file.src_uri] = page.meta.get("template", "main.html")
            page.meta["template"] = _DEFERRED
        return html if form is None else f"{html}\n{form}"

    def on_env(self, env, config, files):
        self._env = env
        return env

    def on_page_context(self, context, page: Page, config, nav):
        name = self._deferred.pop(page.file.src_uri, None)
        if name is not None:
            page.meta.pop("template")
            self._outputs[page.file.src_uri] = self._page_html(self._env.get_template(name), context, page)
        return context

    def on_post_page(self, output: str, page: Page, config):
        dest = page.file.dest_uri
        if page.file.src_uri in self._outputs:
            output = self._outputs.pop(page.file.src_uri)
        if self._site is not None and isinstance(page, PortalPage):
            self._site.record(dest, _page_key(self._fingerprint, page))
        name = shell_name(self.content, page.file.src_uri)
        if name is not None:
            self.shells[name] = self._site.live_html(dest) if output is None else output
        return output or ""  # empty: MkDocs writes nothing, the live site's page is kept

    def on_post_build(self, config):
        if self._cache is not None:
            self._cache.save_bodies()

    def on_shutdown(self):
        if self._bodies is not None:
            self._bodies.close()

    def _page_html(self, template, context, page: Page) -> str | None:
        if self._site is not None and self._site.unchanged(page.file.dest_uri, _page_key(self._fingerprint, page)):
            if self._cache is not None:
                self._cache.hit("pages")
            return None
        if self._filler is not None:
            return self._filler.render(template, context, page)
        return template.render(context)


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


def _page_key(fingerprint: str, page: Page) -> str:
    """Everything a page passes to the theme template (the nav and config are in the fingerprint)."""
    if getattr(page, "_portal_key", None) is None:
        toc = json.dumps([_toc_item(i) for i in page.toc], ensure_ascii=False)
        meta = json.dumps(page.meta, ensure_ascii=False, sort_keys=True, default=str)
        around = repr([(p.title, p.url) if p else None for p in (page.previous_page, page.next_page, page.parent)])
        page._portal_key = digest(fingerprint, page.file.dest_uri, page.url, str(page.title), meta, toc,
                                  page.content or "", str(page.canonical_url), str(page.edit_url),
                                  page.update_date, around)
    return page._portal_key


def _toc_item(item) -> list:
    return [item.title, item.id, item.level, [_toc_item(c) for c in item.children]]

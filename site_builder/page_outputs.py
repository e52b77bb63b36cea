"""The HTML of each page outside the nav: kept from the live site when nothing it is made from has
changed (then it is not rendered at all), else filled into its template shape (page_fill.py), else
rendered by the theme template.

A page's key is a digest of everything its HTML is made from, taken before anything of it is
parsed: its source text (front matter and Markdown), what the builder puts around the body (document_head: metadata
table, version history; the form), what decorates its body (`pages.document.body_inputs`: its kind,
which decides the article anchors, and where its citations lead), its URLs and
dates, and the build fingerprint (code, theme, libraries, mkdocs.yml, hence also the nav). What the
body's links resolved to is checked as well (a page linking to a file whose URL changed is built
again). A kept page gets back what MkDocs needs from it for other pages' link checks: its anchor
ids, its links to anchors and its title.
"""

from __future__ import annotations

from .live_site import LiveSite
from .page_bodies import find_file
from .page_fill import TemplateFiller
from .render_cache import digest


class PageOutputs:
    def __init__(self, site: LiveSite | None, filler: TemplateFiller | None, fingerprint: str, bodies):
        self._site, self._filler, self._fingerprint = site, filler, fingerprint
        self._bodies = bodies  # page_bodies.BodyRenderer: link checks, the cache
        self.kept = 0

    @property
    def active(self) -> bool:
        """Whether pages get their HTML here (else MkDocs renders their template itself)."""
        return self._site is not None or self._filler is not None

    def keep(self, page, source: str, files, head: str, form: str, decoration: str) -> bool:
        """Work out the page's key from its source text (front matter and Markdown) and what goes
        around its body; True, with the page's link facts restored, if the live site has it."""
        parents = [(p.title, p.url) if p else None for p in (page.previous_page, page.next_page, page.parent)]
        page.portal_key = digest(self._fingerprint, page.file.dest_uri, page.url, source, head, form, decoration,
                                 str(page.canonical_url), str(page.edit_url), page.update_date, repr(parents))
        facts = self._site.kept(page.file.dest_uri, page.portal_key) if self._site is not None else None
        if facts is None or not self._bodies.links_hold(facts["lookups"], files):
            return False
        page.meta = {"title": facts["meta_title"]} if facts["meta_title"] is not None else {}
        page.present_anchor_ids = set(facts["anchors"])
        page.links_to_anchors = {find_file(files, uri): links for uri, links in facts["links"].items()}
        page._title_from_render = facts["title"]
        if self._bodies.cache is not None:
            self._bodies.cache.touch(facts["cache_keys"])
        self.kept += 1
        return True

    def html(self, template, context: dict, page) -> str:
        if self._filler is not None:
            return self._filler.render(template, context, page)
        return template.render(context)

    def record(self, page) -> None:
        """Note the page's key and link facts for the next build (pages rendered this time)."""
        lookups = getattr(page, "portal_lookups", None)
        if self._site is None or lookups is None:
            return
        links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
        self._site.record(page.file.dest_uri, page.portal_key, {
            "anchors": sorted(page.present_anchor_ids or ()), "links": links, "title": page._title_from_render,
            "meta_title": page.meta.get("title"), "lookups": lookups, "cache_keys": page.portal_cache_keys})

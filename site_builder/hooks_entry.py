"""Entry point named in mkdocs.yml. MkDocs loads hook files by path, outside any package, so this
file only re-exports the package module's hooks (whose state `portal build` can preload)."""

from site_builder.mkdocs_hooks import on_config, on_files, on_page_content, on_post_page  # noqa: F401

"""The build's fast paths (plain bodies rendered directly, the theme template filled in per page
shape) give byte for byte the pages MkDocs and Material render on their own — also for titles and
bodies that escaping, stripping or Markdown would change. `mkdocs build` works on its own too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.unit.build_support import build, content_with_policies, differences, write_policy

TRICKY = {
    "A&B": ('关于A&B<试点>"双引号"的意见', "## 一、A&B 要求\n\n正文含 &amp; 与 <b>粗体</b>。\n"),
    "markup": ("关于**加强**人才工作的意见", (
        "## 一、**总体**要求\n\n### （一）细则\n\n- 第一项\n- 第二项\n\n1. 有序\n\n"
        "见[基层组织工作规定](../regulations/zuzhi-gongzuo-2015.md#第十二条)和*强调*。  \n换行\n\n"
        "| 表头 | 值 |\n|---|---|\n| a | b |\n\n!!! note \"注意\"\n    提示内容\n\n    缩进代码\n\n"
        "## 一、**总体**要求\n")),
    "spaces": ("关于　全角空格　的通知", "## 第一章　总则\n\n### 第一节　一般规定\n\n第一条　内容。\n第二行\n## 紧跟的标题\n\n"
                                         "<!-- 注释 -->\n\n末段。\n"),
}


def mkdocs_alone_config(content: Path, site: Path, tmp_path: Path) -> Path:
    """mkdocs.yml pointed at `content`, with the portal plugin's fast paths switched off."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}").replace(
        "custom_dir: site_builder/theme", f"custom_dir: {ROOT / 'site_builder/theme'}").replace(
        "  - portal\n", "  - portal:\n      fill_templates: false\n      plain_bodies: false\n")
    assert "plain_bodies: false" in text and str(content) in text
    config = tmp_path / "mkdocs-alone.yml"
    config.write_text(text + f"\nsite_dir: {site}\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def tricky_content(tmp_path_factory) -> Path:
    content = content_with_policies(tmp_path_factory.mktemp("tricky") / "content", 55)
    for n, (title, body) in enumerate(TRICKY.values(), start=100):
        write_policy(content, n, title.replace('"', '\\"').join('""'), body)
    return content


def test_the_fast_paths_give_the_pages_mkdocs_renders_on_its_own(tricky_content, tmp_path):
    assert build(tricky_content, tmp_path / "portal") == 0
    config = mkdocs_alone_config(tricky_content, tmp_path / "alone", tmp_path)
    env = dict(os.environ, PORTAL_TODAY="2026-06-01", NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([str(Path(sys.executable).with_name("mkdocs")), "build", "-q", "-f", str(config)],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert differences(tmp_path / "portal/site", tmp_path / "alone") == []
    page = (tmp_path / "alone/policies/rencai-100/index.html").read_text(encoding="utf-8")
    assert "<title>关于A&B<试点>\"双引号\"的意见 - " in page  # Material prints meta titles as written


def test_plain_bodies_are_rendered_without_python_markdown():
    from mkdocs.config import load_config

    from site_builder.plain_markdown import PlainMarkdown

    plain = PlainMarkdown.for_config(load_config(str(ROOT / "mkdocs.yml")))
    body = plain.render("## 第一章　总则\n\n第一条　为了加强建设，制定本规定。\n第二行。\n\n"
                        "## 第一章　总则\n\n<!-- more -->\n\n末段。")
    assert body.content == ('<h2 id="第一章-总则">第一章\u3000总则</h2>\n<p>第一条　为了加强建设，制定本规定。\n第二行。</p>\n'
                            '<h2 id="第一章-总则_1">第一章\u3000总则</h2>\n<!-- more -->\n\n<p>末段。</p>')
    assert [(t["name"], t["id"]) for t in body.toc_tokens] == [("第一章 总则", "第一章-总则"), ("第一章 总则", "第一章-总则_1")]
    for markdown_text in ("- 列表", "见[链接](x.md)", "**粗体**", "行尾两个空格  \n下一行", "    缩进", "# 一级标题在最前",
                          "A & B", "1. 有序", "<!-- 注释 -->\n紧跟一行"):
        assert plain.render(markdown_text) is None, markdown_text  # left to MkDocs


def test_the_fast_paths_switch_off_for_markdown_extensions_they_were_not_checked_against(tmp_path):
    from mkdocs.config import load_config

    from site_builder.plain_markdown import PlainMarkdown

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("  - admonition\n", "  - admonition\n  - nl2br\n")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "site_builder/theme", tmp_path / "site_builder/theme")
    (tmp_path / "content").mkdir()
    assert PlainMarkdown.for_config(load_config(str(ROOT / "mkdocs.yml"))) is not None
    assert PlainMarkdown.for_config(load_config(str(tmp_path / "mkdocs.yml"))) is None


def _page(config, uri: str, title: str, content: str, headings: list[str]):
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc

    page = Page(None, File.generated(config, uri, content=""), config)
    page.markdown, page.meta, page.content = "", {"title": title}, content
    page.toc = get_toc([{"level": 2, "id": f"h{i}", "name": h, "children": []} for i, h in enumerate(headings)])
    return page


@pytest.fixture
def mkdocs_config():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    config.plugins._current_plugin = None
    return config


THEME = ('<title>{{ page.meta.title }} - 站点</title><h1>{{ page.title | e }}</h1>'
         '{% if "<h1" not in page.content %}<p>无一级标题</p>{% endif %}{{ page.content }}'
         '<a href="/{{ page.url }}">{{ page.url | urlencode }}</a>{% for t in page.toc %}'
         '<li aria-label="{{ t.title | striptags | e }}"><a href="{{ t.url }}">{{ t.title }}</a></li>{% endfor %}')


def test_pages_of_one_shape_are_filled_into_one_rendering_of_the_template(mkdocs_config):
    from jinja2 import Environment

    from site_builder.page_fill import TemplateFiller

    template = Environment().from_string(THEME)
    filler = TemplateFiller()
    pages = [_page(mkdocs_config, f"policies/p{n}.md", title, f"<p>正文{n} &amp; 更多</p>",
                   [f"一、要求{n}", "二、A&B <b>强调</b>"])
             for n, title in enumerate(['普通标题', 'A&B <试点> "引号"', '全角　空格', '规定'])]
    for page in pages:
        assert filler.render(template, {"page": page}, page) == template.render(page=page)
    assert filler.filled == 3  # the first page of the shape is rendered (twice, to check), the others filled


def test_pages_whose_body_has_its_own_heading_are_filled_into_their_own_shape(mkdocs_config):
    from jinja2 import Environment

    from site_builder.page_fill import TemplateFiller

    template = Environment().from_string(THEME)
    filler = TemplateFiller()
    pages = [_page(mkdocs_config, f"policies/p{n}.md", f"列表{n}", f'<h1 id="l{n}">列表{n}</h1>\n<p>正文</p>' if n % 2
                   else f"<p>正文{n}</p>", []) for n in range(6)]
    for page in pages:
        assert filler.render(template, {"page": page}, page) == template.render(page=page)
    assert filler.filled == 4  # two shapes (with and without an h1 in the body), three pages each


def test_a_template_that_changes_values_in_unknown_ways_is_rendered_for_every_page(mkdocs_config):
    from jinja2 import Environment

    from site_builder.page_fill import TemplateFiller

    template = Environment().from_string("<title>{{ page.title | truncate(12) }}</title>{{ page.content | upper }}")
    filler = TemplateFiller()
    pages = [_page(mkdocs_config, f"policies/p{n}.md", "很长的标题" * n, f"<p>body {n}</p>", []) for n in range(1, 5)]
    for page in pages:
        assert filler.render(template, {"page": page}, page) == template.render(page=page)
    assert filler.filled == 0

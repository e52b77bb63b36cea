"""Shells are filled in at other URLs than their page's: their links must still lead somewhere."""

from __future__ import annotations

from site_builder.shells import rooted


def test_relative_links_of_a_shell_become_root_absolute_and_anchors_stay():
    html = ('<link rel="stylesheet" href="../../assets/portal.css"><script src="../../assets/forms.js"></script>'
            '<a href="../">上一级</a><a href="#f-answers.score">第 3 题</a><a href="/search/">检索</a>'
            '<a href="https://example.cn/">外部</a><img src="data:image/png;base64,AA">')
    out = rooted(html, "surveys/manyidu/")
    assert 'href="/assets/portal.css"' in out and 'src="/assets/forms.js"' in out
    assert 'href="/surveys/"' in out and 'href="#f-answers.score"' in out and 'href="/search/"' in out
    assert 'href="https://example.cn/"' in out and 'src="data:image/png;base64,AA"' in out


def test_the_built_survey_shell_loads_the_sites_stylesheet_from_the_root(built_fixture):
    shell = (built_fixture / "shells" / "survey-manyidu.html").read_text(encoding="utf-8")
    assert 'href="/assets/portal.css"' in shell and "../" not in shell.split("<body", 1)[0]

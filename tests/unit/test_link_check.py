"""`portal check` finds every link the build would reject (and the broken 条文 anchors and links to
drafts it would let through), with path:line in Chinese; links the build accepts pass the check."""

from __future__ import annotations

import pytest

from portal.cli import main
from site_builder.build import BuildError, build_site
from site_builder.build_messages import translate_build_message
from site_builder.loader import load_content
from tests.conftest import FIXTURE_TODAY, ROOT
from tests.unit.test_editor_errors import edit, run_check, write

NEWS = "news/posts/huiyi-2026.md"  # its body starts at line 8; the appended paragraph is line 13

BAD = {
    "a missing document": (
        "[旧文件](../../regulations/nope.md)",
        "链接的文件“../../regulations/nope.md”不存在（从本文件所在目录算起是 content/regulations/nope.md）"),
    "a missing article anchor": (
        "[第九十条](../../regulations/zuzhi-gongzuo-2015.md#第九十条)",
        "链接“../../regulations/zuzhi-gongzuo-2015.md#第九十条”中的“#第九十条”不存在：“regulations/zuzhi-gongzuo-2015.md”"
        "中没有第九十条（共 12 条，最后一条是第十二条）"),
    "an article anchor on a page without articles": (
        "[关于](../../about.md#第一条)",
        "链接“../../about.md#第一条”中的“#第一条”无效：只有党内法规、政策文件和征求意见稿的条文有锚点"),
    "a folder instead of a file": (
        "[政策](../../policies/)",
        "链接“../../policies/”没有指向文件：站内链接请写到 .md 文件，是否应为“../../policies/index.md”？"),
    "a site address instead of a file": (
        "[办法](/regulations/jiguan-banfa-2010/)",
        "链接的文件“/regulations/jiguan-banfa-2010/”不存在（以 / 开头的链接从 content/ 算起，应写到 .md 文件），"
        "是否应为“/regulations/jiguan-banfa-2010.md”？"),
    "a path from the wrong folder": (
        "[办法](regulations/jiguan-banfa-2010.md)",
        "链接的文件“regulations/jiguan-banfa-2010.md”不存在（从本文件所在目录算起是 "
        "content/news/posts/regulations/jiguan-banfa-2010.md）"),
    "a missing image": (
        "![图](../../images/nope.png)",
        "链接的文件“../../images/nope.png”不存在（从本文件所在目录算起是 content/images/nope.png）"),
    "a reference-style link": (
        "见[办法][1]。\n\n[1]: ../../regulations/nope.md",
        "链接的文件“../../regulations/nope.md”不存在（从本文件所在目录算起是 content/regulations/nope.md）"),
}


@pytest.mark.parametrize("link, message", BAD.values(), ids=BAD.keys())
def test_a_broken_link_is_reported_at_its_line_in_chinese(content_copy, capsys, link, message):
    edit(content_copy / NEWS, "会议强调", f"{link}\n\n会议强调")
    code, errors = run_check(content_copy, capsys)
    line = 12 + link.count("\n") if link.startswith("见") else 12
    assert code == 1
    assert errors == [f"{NEWS}:{line}: 正文: {message}", "发现 1 个问题，未构建任何内容。"]


GOOD = ("[旧办法](../../regulations/jiguan-banfa-2010.md)、[从根写](/regulations/jiguan-banfa-2010.md)、"
        "[第十二条](../../regulations/zuzhi-gongzuo-2015.md#第十二条)、[法规列表](../../regulations/index.md)、"
        "[省委](../../units/130000/index.md)、[调查](../../surveys/manyidu.md)、[订阅](../rss.xml)、"
        "[政府网](https://www.gov.cn/)、[来信](mailto:xinfang@example.cn)、[关于][about]、`[代码](nope.md)`、"
        "[小标题](../../about.md#关于本站)。\n\n[about]: ../../about.md\n\n```\n[围栏里的](nope.md)\n```\n")


def test_links_the_build_accepts_pass_the_check_and_the_build(content_copy, tmp_path, capsys):
    edit(content_copy / NEWS, "会议强调", GOOD + "\n会议强调")
    edit(content_copy / "regulations/zuzhi-gongzuo-2015.md", "第二条　本规定", "第二条　见[第一条](#第一条)。本规定")
    assert run_check(content_copy, capsys) == (0, [])
    args = ["build", "--content", str(content_copy), "--out", str(tmp_path / "out"), "--today",
            FIXTURE_TODAY.isoformat(), "--config", str(ROOT / "mkdocs.yml")]
    assert main(args) == 0, capsys.readouterr().err


def test_links_in_plain_pages_are_checked_too(content_copy, capsys):
    edit(content_copy / "about.md", "测试内容。", "测试内容。见[信访](petition/nope.md)。")
    code, errors = run_check(content_copy, capsys)
    assert errors[0] == "about.md:3: 正文: 链接的文件“petition/nope.md”不存在（从本文件所在目录算起是 content/petition/nope.md）"


def test_a_page_that_would_clash_with_a_generated_one_is_reported(content_copy, capsys):
    write(content_copy, "regulations/index.md", "# 手写的法规目录\n")
    code, errors = run_check(content_copy, capsys)
    assert errors[0] == "regulations/index.md:1: 文件名: 这个页面由系统生成，请不要在 content/ 中手写同名文件（请删除或改名）"


def test_a_link_problem_is_reported_with_the_other_problems_of_the_run(content_copy, capsys):
    edit(content_copy / NEWS, "会议强调", "[旧文件](../../regulations/nope.md)\n\n会议强调")
    edit(content_copy / "regulations/jiguan-banfa-2010.md", "published: 2010-01-05", "published: 2010-02-30")
    code, errors = run_check(content_copy, capsys)
    assert [line.split(": ")[0] for line in errors[:-1]] == [f"{NEWS}:12", "regulations/jiguan-banfa-2010.md:6"]


def test_mkdocs_own_link_warnings_reach_the_editor_in_chinese_at_the_line(content_copy, tmp_path):
    # Should a link slip past the check, the build's own English warning is translated, with its line.
    edit(content_copy / NEWS, "会议强调", "[旧文件](../../regulations/nope.md)、[政策](../../policies/)\n\n会议强调")
    content = load_content(content_copy, today=FIXTURE_TODAY)  # fields only: no link check
    with pytest.raises(BuildError) as failed:
        build_site(content, tmp_path / "out", ROOT / "mkdocs.yml")
    translated = sorted(translate_build_message(m, content_copy) for m in failed.value.messages)
    assert translated == [
        f"{NEWS}:12: 正文: 链接“../../policies/”没有指向文件：站内链接请写到 .md 文件，是否应为“../../policies/index.md”？",
        f"{NEWS}:12: 正文: 链接的文件“../../regulations/nope.md”不存在",
    ]


def test_mkdocs_notes_about_the_nav_are_not_shown():
    assert translate_build_message('The following pages exist in the docs directory, but are not included in the '
                                   '"nav" configuration:\n  - regulations/x.md') == ""

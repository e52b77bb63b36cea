"""The articles of a regulation or a consultation draft run 第一条, 第二条 … without gaps, repeats or
reordering; each slip is an error at its line (an article anchor such as #第十二条 must be unique)."""

from __future__ import annotations

import pytest

from tests.unit.test_editor_errors import run_check, write

HEAD = {
    "regulation": ("regulations/tiaowen.md", "---\ntitle: 条文测试规定\nissuer: 河北省\nlevel: 规定\npublished: 2026-01-05\n"
                                             "effective: 2026-01-05\ncategory: 测试\n---\n"),
    "consultation": ("consultations/tiaowen.md", "---\ntitle: 条文测试办法（征求意见稿）\nunit: 河北省\nopens: 2026-05-01\n"
                                                 "closes: 2026-06-30\n---\n"),
}
BODY_LINE = {"regulation": 9, "consultation": 7}  # the line the body starts at

CASES = {
    "a repeated article": ("第一条　甲。\n\n第二条　乙。\n\n第二条　丙。\n", [(4, "第二条重复（第 {first+2} 行已有第二条）")]),
    "a missing article": ("第一条　甲。\n\n第三条　丙。\n", [(2, "缺少第二条：第一条之后是第三条")]),
    "several missing articles": ("第一条　甲。\n\n第十二条　丙。\n", [(2, "缺少第二条至第十一条：第一条之后是第十二条")]),
    "not starting at the first": ("第二条　乙。\n", [(0, "缺少第一条：条文应从第一条开始，这里是第二条")]),
    "articles out of order": ("第一条　甲。\n\n第三条　丙。\n\n第二条　乙。\n",
                              [(2, "缺少第二条：第一条之后是第三条"), (4, "条文顺序错误：第二条排在第三条之后")]),
}


@pytest.mark.parametrize("kind", HEAD)
@pytest.mark.parametrize("body, expected", CASES.values(), ids=CASES.keys())
def test_each_numbering_slip_is_an_error_at_its_line(content_copy, capsys, kind, body, expected):
    path, head = HEAD[kind]
    write(content_copy, path, head + body)
    code, errors = run_check(content_copy, capsys)
    first = BODY_LINE[kind]
    assert code == 1
    assert errors[:-1] == [f"{path}:{first + offset}: 正文: " + message.replace("{first+2}", str(first + 2))
                           for offset, message in expected]


def test_articles_in_order_across_chapters_up_to_the_hundreds_pass(content_copy, capsys):
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    chapters = "## 第一章　总则\n\n" + "\n\n".join(f"第{n}条　内容。" for n in numbers[:6]) + "\n\n## 第二章　附则\n\n" \
        + "\n\n".join(f"第{n}条　内容。" for n in numbers[6:])
    write(content_copy, "regulations/tiaowen.md", HEAD["regulation"][1] + chapters + "\n")
    hundreds = "\n\n".join(f"第{n}条　内容。" for n in
                           ["一百", "一百零一", "一百零二", "一百一十"])  # an excerpt is not a regulation's text
    assert run_check(content_copy, capsys) == (0, [])
    write(content_copy, "regulations/tiaowen.md", HEAD["regulation"][1] + hundreds + "\n")
    code, errors = run_check(content_copy, capsys)
    assert errors[:-1] == [
        "regulations/tiaowen.md:9: 正文: 缺少第一条至第九十九条：条文应从第一条开始，这里是第一百条",
        "regulations/tiaowen.md:15: 正文: 缺少第一百零三条至第一百零九条：第一百零二条之后是第一百一十条",
    ]


def test_news_and_policies_are_not_held_to_article_numbering(content_copy, capsys):
    write(content_copy, "news/posts/tiaowen.md", "---\ntitle: 新闻引用条文\ndate: 2026-05-01\ncategories: [要闻]\n---\n"
                                                 "第三条　新闻里引用的一条。\n")
    assert run_check(content_copy, capsys) == (0, [])

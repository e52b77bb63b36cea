"""A document with `draft: true` is checked like any other, but it is not built, listed, indexed or
registered, and nothing published may point at it."""

from __future__ import annotations

import json

from portal.cli import main
from search_index.engine import open_engine
from search_index.request import SearchRequest
from site_builder.loader import load_content
from site_builder.models import Validity
from tests.conftest import FIXTURE_TODAY, ROOT
from tests.unit.test_editor_errors import edit, run_check, write

DRAFT_REGULATION = """---
title: 草稿状态的试行办法
issuer: 石家庄市
level: 办法
published: 2026-05-01
effective: 2026-05-01
category: 机关党建
amends: [regulations/jiguan-banfa-2021.md]
draft: true
---
第一条　本办法含有独一无二的词语蓝鲸计划。
"""

DRAFT_CONSULTATION = """---
title: 尚未公布的征求意见稿
unit: 河北省
opens: 2026-05-01
closes: 2026-07-31
summary: 【请填写摘要】
draft: true
---
第一条　征求意见稿的草稿，摘要还没写。
"""


def test_drafts_are_built_nowhere_and_listed_nowhere(content_copy, tmp_path, capsys):
    write(content_copy, "regulations/caogao-banfa.md", DRAFT_REGULATION)
    write(content_copy, "consultations/caogao-yijian.md", DRAFT_CONSULTATION)  # placeholders allowed in a draft
    out = tmp_path / "out"
    assert main(["build", "--content", str(content_copy), "--out", str(out), "--today", FIXTURE_TODAY.isoformat(),
                 "--config", str(ROOT / "mkdocs.yml")]) == 0, capsys.readouterr().err
    site = out / "site"
    assert not (site / "regulations/caogao-banfa").exists()
    assert not (site / "consultations/caogao-yijian").exists()
    pages = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html")) + (site / "news/rss.xml").read_text()
    for title in ("草稿状态的试行办法", "尚未公布的征求意见稿", "caogao"):
        assert title not in pages
    registry = json.loads((out / "registry.json").read_text(encoding="utf-8"))
    assert "caogao-yijian" not in registry["consultations"]
    engine = open_engine(out / "search-index")
    assert engine.search(SearchRequest(q="蓝鲸计划")).total == 0
    assert engine.search(SearchRequest(q="试行办法")).total == 0


def test_a_draft_is_checked_like_any_other_document(content_copy, capsys):
    write(content_copy, "regulations/caogao-banfa.md", DRAFT_REGULATION.replace("2026-05-01\ncategory", "2026-04-31\ncategory"))
    code, errors = run_check(content_copy, capsys)
    assert errors == ["regulations/caogao-banfa.md:6: effective: 日期无效，应为 YYYY-MM-DD 格式的真实日期",
                      "发现 1 个问题，未构建任何内容。"]


def test_a_published_document_may_not_point_at_a_draft(content_copy, capsys):
    write(content_copy, "regulations/caogao-banfa.md", DRAFT_REGULATION)
    edit(content_copy / "news/posts/huiyi-2026.md", "会议强调", "见[试行办法](../../regulations/caogao-banfa.md)。\n\n会议强调")
    write(content_copy, "regulations/xin-banfa.md", DRAFT_REGULATION.replace("draft: true", "draft: false")
          .replace("amends: [regulations/jiguan-banfa-2021.md]", "repeals: [regulations/caogao-banfa.md]")
          .replace("草稿状态的", "正式的").replace("蓝鲸计划", "正式"))
    code, errors = run_check(content_copy, capsys)
    assert errors[:-1] == [
        "news/posts/huiyi-2026.md:12: 正文: 链接的“../../regulations/caogao-banfa.md”是草稿（draft: true），草稿不会发布，链接会失效",
        "regulations/xin-banfa.md:8: repeals: “regulations/caogao-banfa.md”是草稿（draft: true），不会发布，不能被已发布的文件修改或废止",
    ]


def test_a_draft_that_amends_a_document_does_not_change_its_validity(content_copy):
    write(content_copy, "regulations/caogao-banfa.md", DRAFT_REGULATION)
    content = load_content(content_copy, today=FIXTURE_TODAY)
    assert "regulations/caogao-banfa.md" in content.drafts
    assert "regulations/caogao-banfa.md" not in content.documents
    amended = content.documents["regulations/jiguan-banfa-2021.md"]
    assert (amended.validity, amended.amended_by) == (Validity.effective, [])

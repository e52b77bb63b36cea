"""`portal new KIND 标题` gives an editor a complete file that passes `portal check` as written."""

from __future__ import annotations

import pytest

from portal.cli import main
from site_builder.loader import load_content
from tests.conftest import FIXTURE_TODAY


@pytest.mark.parametrize("kind, folder", [("regulation", "regulations"), ("policy", "policies"),
                                          ("news", "news/posts"), ("consultation", "consultations"),
                                          ("survey", "surveys")])
def test_a_new_file_has_complete_front_matter_and_validates(content_copy, capsys, kind, folder):
    assert main(["new", kind, "关于“新”文件的通知", "--content", str(content_copy), "--slug", "xin-wenjian"]) == 0
    assert f"{folder}/xin-wenjian" in capsys.readouterr().out
    content = load_content(content_copy, today=FIXTURE_TODAY)
    if kind == "survey":
        assert content.surveys["xin-wenjian"].title == "关于“新”文件的通知"
    else:
        doc = next(d for d in content.documents.values() if d.slug == "xin-wenjian")
        assert doc.meta.title == "关于“新”文件的通知"
        declared = set(type(doc.meta).model_fields)
        written = set(doc.lines.data)
        assert written == declared  # every field the model knows is present for the editor to fill


def test_without_a_slug_the_file_name_is_dated_and_never_overwrites(content_copy, capsys):
    assert main(["new", "news", "第一篇", "--content", str(content_copy)]) == 0
    assert main(["new", "news", "第二篇", "--content", str(content_copy)]) == 0
    created = sorted(p.name for p in (content_copy / "news/posts").glob("2*.md"))
    assert len(created) == 2 and created[0].endswith("-1.md") and created[1].endswith("-2.md")


def test_a_bad_slug_or_an_existing_file_is_refused(content_copy, capsys):
    assert main(["new", "policy", "标题", "--content", str(content_copy), "--slug", "中文名"]) == 2
    assert main(["new", "policy", "标题", "--content", str(content_copy), "--slug", "rencai-2024"]) == 2
    assert "已存在" in capsys.readouterr().err

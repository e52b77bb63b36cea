"""`portal build` after an edit renders only what the edit changes, and the result is byte for byte
the site a clean build makes (fixture content plus 60 policies, so listings are paginated)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.unit.build_support import build, content_with_policies, differences, write_policy

ARTIFACTS = ("site", "shells", "registry.json")


def built_artifacts_differ(a: Path, b: Path) -> list[str]:
    out = []
    for name in ARTIFACTS:
        if (a / name).is_dir():
            out += [f"{name}/{p}" for p in differences(a / name, b / name)]
        elif (a / name).read_bytes() != (b / name).read_bytes():
            out.append(name)
    return out


def article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    return content_with_policies(tmp_path_factory.mktemp("grown") / "content", 60)


@pytest.fixture
def content(grown, tmp_path) -> Path:
    """A copy each test may edit."""
    return Path(shutil.copytree(grown, tmp_path / "content"))


def summary(capsys) -> tuple[int, int]:
    line = capsys.readouterr().out.strip().splitlines()[-1]
    written, kept = re.search(r"生成 (\d+) 个页面，沿用上次构建的 (\d+) 个", line).groups()
    return int(written), int(kept)


def test_a_paginated_listing_links_to_its_previous_and_next_pages(grown, tmp_path):
    assert build(grown, tmp_path / "out") == 0
    first = article(tmp_path / "out/site/policies/category/人才工作/index.html")
    second = article(tmp_path / "out/site/policies/category/人才工作/2/index.html")
    assert re.search(r'<a href="2/">下一页</a>', first) and "上一页" not in first
    assert re.search(r'<a href="\.\./">上一页</a>', second) and "下一页" not in second
    assert "第 2 / 2 页" in second and "](" not in first + second  # no Markdown left unrendered


def test_a_rebuild_without_changes_keeps_every_document_and_listing_page(content, tmp_path, capsys):
    assert build(content, tmp_path / "out") == 0
    first_written, _ = summary(capsys)
    assert build(content, tmp_path / "out") == 0
    written, kept = summary(capsys)
    assert kept == first_written - written and written <= 13  # only the 12 nav pages and 404 again


def test_an_edited_document_gives_the_same_site_as_a_clean_build(content, tmp_path, capsys):
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert build(content, out) == 0
    before = {p: p.stat().st_mtime_ns for p in (out / "site").rglob("index.html")}
    write_policy(content, 7, "关于做好第7批高层次人才工作的通知", "## 一、总体要求\n\n改为引进高层次人才。\n")
    capsys.readouterr()
    assert build(content, out) == 0
    written, kept = summary(capsys)
    assert build(content, clean, "--no-cache") == 0
    assert built_artifacts_differ(out, clean) == []
    page = out / "site/policies/rencai-007/index.html"
    assert "改为引进高层次人才" in article(page) and "高层次人才工作的通知" in page.read_text(encoding="utf-8")
    untouched = out / "site/policies/rencai-008/index.html"
    assert untouched.stat().st_mtime_ns == before[untouched]  # not written again
    assert 1 <= written - 10 <= 8 and kept > 60  # the page, its listings (category, year, unit, index)


def test_added_and_removed_documents_give_the_same_site_as_a_clean_build(content, tmp_path):
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert build(content, out) == 0
    (content / "policies/rencai-003.md").unlink()
    write_policy(content, 61, "关于做好第61批人才工作的通知")
    assert build(content, out) == 0
    assert build(content, clean) == 0
    assert built_artifacts_differ(out, clean) == []
    assert not (out / "site/policies/rencai-003").exists() and (out / "site/policies/rencai-061/index.html").is_file()
    for _ in range(2):  # the spare folder the next builds update is kept right as well
        write_policy(content, 62 + _, f"关于做好第{62 + _}批人才工作的通知")
        assert build(content, out) == 0
    assert build(content, tmp_path / "clean2") == 0
    assert built_artifacts_differ(out, tmp_path / "clean2") == []


def test_a_failed_build_keeps_the_site_and_the_next_build_is_still_exact(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out) == 0
    page = out / "site/policies/rencai-005/index.html"
    old = page.read_bytes()
    write_policy(content, 5, "关于做好第5批人才工作的通知", "见[不存在的文件](../no-such.md)。\n")
    assert build(content, out) == 1
    assert "no-such.md" in capsys.readouterr().err and page.read_bytes() == old
    write_policy(content, 5, "关于做好第5批人才工作的通知", "改好了。\n")
    assert build(content, out) == 0
    assert build(content, tmp_path / "clean") == 0
    assert built_artifacts_differ(out, tmp_path / "clean") == []


def test_a_page_changed_by_hand_in_the_built_site_is_rebuilt(content, tmp_path):
    out = tmp_path / "out"
    assert build(content, out) == 0
    page = out / "site/policies/rencai-009/index.html"
    page.write_text("<p>被改动的页面</p>", encoding="utf-8")
    assert build(content, out) == 0
    assert "被改动的页面" not in page.read_text(encoding="utf-8")
    assert build(content, tmp_path / "clean") == 0
    assert built_artifacts_differ(out, tmp_path / "clean") == []


def test_the_cache_is_kept_out_of_what_is_published(content, tmp_path):
    out = tmp_path / "out"
    assert build(content, out) == 0
    assert build(content, out) == 0
    published = [p.name for p in (out / "site").rglob("*")]
    assert published and not [n for n in published if n.startswith(".") or n.endswith((".sqlite", ".json"))]


def test_a_kept_page_whose_link_target_was_removed_fails_the_build_like_a_clean_build(content, tmp_path, capsys):
    out = tmp_path / "out"
    write_policy(content, 20, "关于做好第20批人才工作的通知", "参照[第21批通知](rencai-021.md)执行。\n")
    assert build(content, out) == 0
    (content / "policies/rencai-021.md").unlink()
    capsys.readouterr()
    assert build(content, out) == 1
    assert "rencai-021.md" in capsys.readouterr().err
    assert build(content, tmp_path / "clean") == 1  # the same content fails a clean build the same way


def test_a_build_that_changes_every_page_gives_the_same_site_as_a_clean_build(content, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):  # so that a spare folder exists
        assert build(content, out) == 0
    write_policy(content, 30, "关于做好第30批人才工作的通知（修订）")
    assert build(content, out, "--site-url", "https://dangjian.example.cn/") == 0  # every page's URLs change
    assert build(content, tmp_path / "clean", "--site-url", "https://dangjian.example.cn/") == 0
    assert built_artifacts_differ(out, tmp_path / "clean") == []
    assert 'href="https://dangjian.example.cn/policies/rencai-030/"' in (
        out / "site/policies/rencai-030/index.html").read_text(encoding="utf-8")

"""An index updated for the documents that changed answers exactly as an index built afresh from
the same content, on every engine; and what `portal build` calls updates rather than rebuilds."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from search_support import ENGINES, write_fixture_content

from search_index.engine import open_engine
from search_index.indexer import MANIFEST_FILE, build_index, finish_index, staging_dir, write_index
from search_index.request import parse_request
from site_builder.loader import load_content

BEFORE, AFTER = dt.date(2026, 6, 1), dt.date(2026, 12, 1)
QUERIES = [{"q": "党员", "size": "50"}, {"q": "个人信息保护"}, {"q": '"数据安全管理"'}, {"q": "冀办发〔2006〕"},
           {"q": "网络安全 宣传"}, {"q": "驻村"}, {"type": "regulation", "size": "50"}, {"validity": "effective,repealed"},
           {"unit": "石家庄市", "sort": "effective"}, {"q": "基层", "page": "2", "size": "3"}, {"year": "2026"}]


def edit(root):
    """An editor's day: one text changed, one document added, one removed."""
    changed = root / "policies" / "shuju-anquan-2024.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n二、开展网络安全宣传周活动。\n", encoding="utf-8")
    (root / "news" / "posts" / "xuanchuan-2026.md").write_text("""---
title: 全省网络安全宣传周启动
date: 2026-09-01
categories: [要闻]
unit: 河北省
---
网络安全宣传周期间，各地开展个人信息保护宣传。
""", encoding="utf-8")
    (root / "news" / "posts" / "diyi-shuji-2025.md").unlink()


def answers(folder) -> list[dict]:
    engine = open_engine(folder)
    return [engine.search(parse_request(params)).to_dict() for params in QUERIES]


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


def test_an_updated_index_answers_exactly_as_a_fresh_one(engine_name, tmp_path):
    root = write_fixture_content(tmp_path / "content")
    folder = tmp_path / "updated"
    assert build_index(load_content(root, BEFORE), folder, engine=engine_name).fresh
    edit(root)
    after = load_content(root, AFTER)  # six months on: some documents change 时效性 too
    update = build_index(after, folder, engine=engine_name)
    assert not update.fresh and (update.added, update.removed) == (1, 1)
    assert 1 <= update.changed < len(after.documents) - 1  # not every document was written again
    fresh = tmp_path / "fresh"
    assert build_index(after, fresh, engine=engine_name, incremental=False).fresh
    assert answers(folder) == answers(fresh)
    assert answers(folder)[4]["hits"][0]["url"] == "/news/posts/xuanchuan-2026/"


def test_nothing_changed_means_nothing_written(engine_name, tmp_path):
    content = load_content(write_fixture_content(tmp_path / "content"), BEFORE)
    build_index(content, tmp_path / "index", engine=engine_name)
    again = build_index(content, tmp_path / "index", engine=engine_name)
    assert (again.fresh, again.added, again.changed, again.removed) == (False, 0, 0, 0)


def test_what_portal_build_calls_updates_the_index_it_replaces(engine_name, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SEARCH_ENGINE", engine_name)
    root = write_fixture_content(tmp_path / "content")
    index = tmp_path / "build" / "search-index"
    for day in (BEFORE, AFTER):
        staging = staging_dir(index)
        done = write_index(load_content(root, day), staging)  # what portal/build.py runs in its worker
        finish_index(staging, index, None)
    assert not done.fresh and open_engine(index).name == engine_name


def test_an_index_of_another_engine_or_dictionary_is_built_afresh(tmp_path):
    content = load_content(write_fixture_content(tmp_path / "content"), BEFORE)
    folder = tmp_path / "index"
    build_index(content, folder, engine="whoosh")
    assert build_index(content, folder, engine="fts5").fresh
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["analyzer"] = "a different dictionary"
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    assert build_index(content, folder, engine="fts5").fresh


def test_a_broken_previous_index_is_built_afresh(tmp_path):
    content = load_content(write_fixture_content(tmp_path / "content"), BEFORE)
    folder = tmp_path / "index"
    build_index(content, folder, engine="fts5")
    (folder / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    assert build_index(content, folder, engine="fts5").fresh
    shutil.rmtree(folder)
    assert build_index(content, folder, engine="fts5").fresh


def test_an_unknown_engine_name_is_refused_before_anything_is_written(tmp_path):
    content = load_content(write_fixture_content(tmp_path / "content"), BEFORE)
    with pytest.raises(ValueError, match="PORTAL_SEARCH_ENGINE 应为 whoosh 或 fts5"):
        build_index(content, tmp_path / "index", engine="lucene")
    assert not (tmp_path / "index").exists()


def scores_by_path(folder) -> dict[str, dict[str, float]]:
    engine = open_engine(folder)
    paths = engine.table.columns["path"]
    out = {}
    for word in engine._backend.vocabulary():  # every word the index holds
        ids, scores = engine._matcher._postings(word)
        if len(ids):
            out[word] = {paths[d]: s for d, s in zip(ids, scores, strict=True)}
    return out


def test_an_updated_index_scores_every_word_of_every_document_as_a_fresh_one(engine_name, tmp_path):
    root = write_fixture_content(tmp_path / "content")
    build_index(load_content(root, BEFORE), tmp_path / "updated", engine=engine_name)
    edit(root)
    after = load_content(root, AFTER)
    build_index(after, tmp_path / "updated", engine=engine_name)
    build_index(after, tmp_path / "fresh", engine=engine_name, incremental=False)
    updated, fresh = scores_by_path(tmp_path / "updated"), scores_by_path(tmp_path / "fresh")
    assert len(fresh) > 100 and updated == fresh


@pytest.mark.parametrize("damage", ["search.sqlite", "portal-search.json"])
def test_a_damaged_index_is_unavailable_rather_than_an_error(tmp_path, damage):
    from search_index.errors import SearchUnavailable

    content = load_content(write_fixture_content(tmp_path / "content"), BEFORE)
    build_index(content, tmp_path / "index", engine="fts5")
    (tmp_path / "index" / damage).write_bytes(b"\x00" * 100)
    with pytest.raises(SearchUnavailable):
        open_engine(tmp_path / "index")

"""The SearchEngine contract, run on every engine (Whoosh, and SQLite FTS5 both through Python's own
sqlite3 and through sqlean.py's SQLite, the one Lambda's python3.11 runtime needs): words, phrases and
文号 as a reader types them, every filter with several values, facet counts, sorting, pages, and
judged relevance with the same nDCG floor. The index is built from the fixture content plus a few
documents written here (search_support.EXTRA), through the same loader `portal build` uses."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter

import pytest
from search_support import (
    ENGINES,
    JUDGED_FIXTURE,
    JUDGED_SAMPLE,
    NDCG_FLOOR,
    NDCG_MEAN_FLOOR,
    SAMPLE,
    ndcg_at_10,
    write_fixture_content,
)

from search_index import sqlite_driver
from search_index.engine import open_engine
from search_index.indexer import build_index
from search_index.request import InvalidSearch, parse_request
from site_builder.loader import load_content
from site_builder.models import NormativeDocument, Regulation

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return load_content(write_fixture_content(tmp_path_factory.mktemp("search") / "content"), TODAY)


SQLEAN = "fts5-sqlean"  # FTS5 as where the standard library's SQLite lacks it


@contextlib.contextmanager
def sqlite_for(variant: str):
    """With SQLEAN: the standard sqlite3 counts as lacking FTS5, so the driver falls back to sqlean.py
    while the index is built and opened (an open index keeps its connection)."""
    if variant != SQLEAN:
        yield variant
        return
    stdlib_has_fts5 = sqlite_driver.has_fts5
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite_driver, "has_fts5", lambda module: module.__name__ != "sqlite3" and stdlib_has_fts5(module))
        sqlite_driver.driver.cache_clear()
        try:
            assert sqlite_driver.driver().__name__ == "sqlean"
            yield "fts5"
        finally:
            sqlite_driver.driver.cache_clear()


@pytest.fixture(scope="module", params=(*ENGINES, SQLEAN))
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def engine(engine_name, content, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"index-{engine_name}") / "search-index"
    with sqlite_for(engine_name) as name:
        build_index(content, out, engine=name)
        found = open_engine(out)
    assert found.name == name
    return found


@pytest.fixture(scope="module")
def sample(engine_name, tmp_path_factory):
    """The sample content in content/, indexed by the same engine."""
    out = tmp_path_factory.mktemp(f"sample-{engine_name}") / "search-index"
    with sqlite_for(engine_name) as name:
        build_index(load_content(SAMPLE, TODAY), out, engine=name)
        return open_engine(out)


def search(engine, **params):
    return engine.search(parse_request({k: str(v) for k, v in params.items()}))


def urls(result) -> list[str]:
    return [hit.url for hit in result.hits]


# --- words, phrases, 文号 -----------------------------------------------------------------------

def test_a_quoted_phrase_finds_exactly_that_text_and_not_the_words_apart(engine):
    found = urls(search(engine, q='"数据安全管理"'))
    assert found == ["/regulations/zuzhi-gongzuo-2020/"]  # 数据安全……管理制度 (shuju-anquan) is not it


def test_the_same_words_unquoted_also_find_documents_with_the_words_apart(engine):
    found = urls(search(engine, q="数据安全 管理"))
    assert {"/regulations/zuzhi-gongzuo-2020/", "/policies/shuju-anquan-2024/"} <= set(found)


def test_a_short_word_finds_documents_where_it_sits_inside_a_longer_term(engine):
    found = set(urls(search(engine, q="信息", size=50)))
    assert {"/policies/shuju-anquan-2024/", "/news/posts/xinxi-peixun-2025/"} <= found


def test_a_four_character_word_inside_a_dictionary_term_is_found(engine):
    assert set(urls(search(engine, q="个人信息"))) == {"/news/posts/xinxi-peixun-2025/", "/policies/shuju-anquan-2024/"}


def test_a_word_the_dictionary_lacks_is_found_inside_longer_words(engine):
    # 驻村 is cut 驻|村 alone, but stands inside 驻村第一书记 and 驻村干部
    assert set(urls(search(engine, q="驻村"))) == {"/policies/diyi-shuji-2023/", "/news/posts/diyi-shuji-2025/"}


@pytest.mark.parametrize("number", ["冀办发〔2006〕12号", "冀办发[2006]12号", "冀办发2006 12号", "冀办发（2006）12号",
                                    "冀办发〔2006〕012号", "冀办发2006年12号", "冀办发〔2006〕12", "冀办发〔２００６〕１２号"])
def test_a_document_number_in_any_spelling_people_type_finds_that_document_first(engine, number):
    assert urls(search(engine, q=number))[0] == "/regulations/dangyuan-jiaoyu-2006/"


def test_a_document_number_does_not_match_a_longer_number_that_starts_the_same(engine):
    assert "/policies/dongxun-2006/" not in urls(search(engine, q="冀办发〔2006〕12号"))


def test_an_issuer_prefix_and_year_lists_that_years_documents(engine):
    assert set(urls(search(engine, q="冀办发〔2006〕"))) >= {"/regulations/dangyuan-jiaoyu-2006/", "/policies/dongxun-2006/"}


def test_snippets_mark_the_matched_words_and_escape_everything_else(engine):
    hit = search(engine, q="个人信息保护", type="news").hits[0]
    assert "<mark>个人信息保护</mark>" in hit.snippet
    assert "<mark>个人信息保护</mark>" in hit.title_html


@pytest.mark.parametrize("q", ["AND OR NOT", "title:党员", "党员*", '"', "“未闭合", "(((", "！？", "a" * 200,
                               '{title body} : "x"', "NEAR(党员 教育)", "党员^2", "'; DROP TABLE doc; --"])
def test_query_syntax_characters_are_searched_as_plain_text(engine, q):
    search(engine, q=q)  # no parser error can escape: the public types text, not syntax


def test_punctuation_alone_matches_nothing_rather_than_everything(engine):
    assert search(engine, q="！？").total == 0


def test_a_three_word_phrase_needs_all_three_words_in_order(engine):
    assert urls(search(engine, q='"落实个人信息保护责任"')) == ["/policies/shuju-anquan-2024/"]
    assert search(engine, q='"责任个人信息保护落实"').total == 0


def test_a_phrase_combines_with_other_words_and_filters(engine):
    assert urls(search(engine, q='"数据安全管理" 考核', type="regulation")) == ["/regulations/zuzhi-gongzuo-2020/"]
    assert search(engine, q='"数据安全管理"', type="news").total == 0


def test_a_phrase_does_not_run_across_punctuation(engine):
    # shuju-anquan-2024 has 数据安全，完善管理制度: the words touch only across a comma
    assert "/policies/shuju-anquan-2024/" not in urls(search(engine, q='"数据安全完善"'))


# --- filters and facets, checked against the content itself ------------------------------------

def facts(content, doc) -> dict:
    meta = doc.meta
    return {"type": doc.kind.value,
            "issuer": doc.unit if isinstance(meta, NormativeDocument) else None,
            "level": meta.level if isinstance(meta, Regulation) else None,
            "validity": doc.validity.value if doc.validity else None,
            "year": str(doc.date.year),
            "units": content.org.path(doc.unit) if doc.unit else [],
            "date": doc.date}


def expected(content, rules: dict) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facet counts: each facet counted over the documents passing every *other* rule."""
    every = [facts(content, d) for d in content.documents.values()]

    def passing(skip=None):
        return [f for f in every if all(rule(f) for name, rule in rules.items() if name != skip)]

    facets = {name: dict(Counter(f[name] for f in passing(name) if f[name]))
              for name in ("type", "issuer", "level", "validity", "year")}
    return len(passing()), facets


FILTERS = [
    ({"type": "regulation"}, {"type": lambda f: f["type"] == "regulation"}),
    ({"type": "news"}, {"type": lambda f: f["type"] == "news"}),
    ({"type": "regulation,policy"}, {"type": lambda f: f["type"] in ("regulation", "policy")}),
    ({"issuer": "130100"}, {"issuer": lambda f: f["issuer"] == "130100"}),
    ({"issuer": "中共河北省委"}, {"issuer": lambda f: f["issuer"] == "130000"}),
    ({"issuer": "石家庄市,中共河北省委"}, {"issuer": lambda f: f["issuer"] in ("130100", "130000")}),
    ({"level": "办法"}, {"level": lambda f: f["level"] == "办法"}),
    ({"level": "办法,规定"}, {"level": lambda f: f["level"] in ("办法", "规定")}),
    ({"validity": "repealed"}, {"validity": lambda f: f["validity"] == "repealed"}),
    ({"validity": "not_yet_effective,amended"}, {"validity": lambda f: f["validity"] in ("not_yet_effective", "amended")}),
    ({"unit": "石家庄市"}, {"unit": lambda f: "130100" in f["units"]}),
    ({"unit": "130600"}, {"unit": lambda f: "130600" in f["units"]}),
    ({"unit": "正定县,保定市"}, {"unit": lambda f: "130123" in f["units"] or "130600" in f["units"]}),
    ({"year": "2026"}, {"year": lambda f: f["year"] == "2026"}),
    ({"year": "2024,2025"}, {"year": lambda f: f["year"] in ("2024", "2025")}),
    ({"from": "2023-01-01", "to": "2024-12-31"}, {"date": lambda f: dt.date(2023, 1, 1) <= f["date"] <= dt.date(2024, 12, 31)}),
    ({"from": "2025-01-01"}, {"date": lambda f: f["date"] >= dt.date(2025, 1, 1)}),
    ({"type": "regulation", "unit": "河北省", "validity": "effective"},
     {"type": lambda f: f["type"] == "regulation", "validity": lambda f: f["validity"] == "effective"}),
    ({"type": "regulation,news", "year": "2024,2026", "from": "2024-01-01"},
     {"type": lambda f: f["type"] in ("regulation", "news"), "year": lambda f: f["year"] in ("2024", "2026"),
      "date": lambda f: f["date"] >= dt.date(2024, 1, 1)}),
]


@pytest.mark.parametrize("params,rules", FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_keeps_exactly_the_matching_documents_and_counts_facets_under_the_other_filters(
        engine, content, params, rules):
    result = search(engine, size=50, **params)
    total, facets = expected(content, rules)
    assert result.total == total and len(result.hits) == total
    assert {name: {f.value: f.count for f in values} for name, values in result.facets.items()} == facets


def test_chosen_facet_values_are_marked_and_the_others_can_still_be_added(engine):
    facet = {f.value: f for f in search(engine, type="regulation").facets["type"]}
    assert facet["regulation"].selected and not facet["policy"].selected
    assert (facet["policy"].count, facet["news"].count, facet["consultation"].count) == (4, 5, 2)  # as if no type were chosen


def test_each_chosen_value_is_a_filter_with_a_readable_label(engine):
    result = search(engine, type="regulation,policy", unit="石家庄市", **{"from": "2024-01-01"})
    assert [(f.name, f.value, f.label) for f in result.filters] == [
        ("type", "regulation", "党内法规"), ("type", "policy", "政策文件"), ("unit", "130100", "石家庄市"),
        ("date", "2024-01-01 至 …", "2024-01-01 至 …")]


def test_a_unit_filter_includes_the_units_counties(engine):
    found = urls(search(engine, unit="石家庄市", size=50))
    assert "/regulations/xuanju-xize-2026/" in found  # 正定县 lies under 石家庄市
    assert "/policies/rencai-2024/" not in found  # 保定市 does not


def test_facets_are_labelled_for_readers(engine):
    facets = search(engine, q="党风廉政建设").facets
    assert {f.label for f in facets["issuer"]} == {"中共河北省委"}
    assert {f.label for f in facets["type"]} == {"党内法规", "新闻"}


def test_an_empty_query_with_a_filter_lists_newest_first(engine):
    dates = [hit.date for hit in search(engine, type="regulation", size=50).hits]
    assert dates == sorted(dates, reverse=True) and len(dates) > 3


def test_sort_by_date_orders_matches_newest_first(engine):
    relevance = search(engine, q="基层组织", size=50)
    by_date = search(engine, q="基层组织", sort="date", size=50)
    assert sorted(urls(relevance)) == sorted(urls(by_date))
    assert [h.date for h in by_date.hits] == sorted((h.date for h in by_date.hits), reverse=True)


def test_sort_by_effective_date_puts_documents_without_one_last(engine):
    hits = search(engine, q="党风廉政建设", sort="effective").hits
    assert [h.url for h in hits] == ["/regulations/lianzheng-2022/", "/news/posts/lianzheng-huiyi-2024/"]
    regulations = search(engine, type="regulation", sort="effective", size=50).hits
    assert [h.effective for h in regulations] == sorted((h.effective for h in regulations), reverse=True)


def test_an_unknown_unit_is_a_clear_error(engine):
    with pytest.raises(InvalidSearch) as caught:
        search(engine, unit="火星市")
    assert caught.value.errors == {"unit": "未知的组织单位：“火星市”"}


# --- pages ---------------------------------------------------------------------------------------

def test_pages_split_the_results_without_overlap_or_gaps(engine, content):
    everything = urls(search(engine, size=50))
    pages = [urls(search(engine, size=4, page=n)) for n in range(1, 7)]
    assert len(everything) == len(content.documents) == 20
    assert sum(pages, []) == everything
    assert [len(p) for p in pages] == [4, 4, 4, 4, 4, 0]


def test_pages_of_a_ranked_search_do_not_overlap(engine):
    everything = urls(search(engine, q="党员", size=50))
    assert sum((urls(search(engine, q="党员", size=3, page=n)) for n in range(1, 6)), []) == everything[:15]


def test_a_page_past_the_end_is_empty_but_still_reports_the_total(engine):
    result = search(engine, q="基层组织", page=9)
    assert result.hits == [] and result.total == 3 and result.pages == 1


# --- judged relevance: the same floor for every engine ------------------------------------------

@pytest.mark.parametrize("query", JUDGED_FIXTURE)
def test_judged_queries_rank_the_wanted_documents_at_the_top(engine, query):
    assert ndcg_at_10(urls(search(engine, q=query)), JUDGED_FIXTURE[query]) >= NDCG_FLOOR


@pytest.mark.parametrize("query", JUDGED_SAMPLE)
def test_a_name_or_term_finds_every_document_that_mentions_it(sample, query):
    found = urls(search(sample, q=query, size=50))
    assert set(JUDGED_SAMPLE[query]) <= set(found)  # recall 1.0
    assert ndcg_at_10(found, JUDGED_SAMPLE[query]) >= NDCG_FLOOR


def test_the_judged_sets_as_a_whole_score_high(engine, sample):
    scores = [ndcg_at_10(urls(search(engine, q=q)), g) for q, g in JUDGED_FIXTURE.items()]
    scores += [ndcg_at_10(urls(search(sample, q=q)), g) for q, g in JUDGED_SAMPLE.items()]
    assert len(scores) >= 37 and sum(scores) / len(scores) >= NDCG_MEAN_FLOOR


# --- the engines agree ---------------------------------------------------------------------------

AGREEMENT = [{"q": q} for q in ("党员", "基层组织 考核", '"数据安全管理"', "驻村", "冀办发〔2006〕", "个人信息保护", "党")]
AGREEMENT += [{"type": "regulation,policy", "sort": "effective", "size": "50"}, {"unit": "石家庄市", "q": "工作"},
              {"q": "党风廉政建设", "sort": "date"}, {"year": "2026", "validity": "not_yet_effective,effective"},
              {"q": "办法", "page": "2", "size": "3"}]


@pytest.fixture(scope="module")
def both(content, tmp_path_factory):
    out = {}
    for name in ENGINES:
        folder = tmp_path_factory.mktemp(f"both-{name}") / "search-index"
        build_index(content, folder, engine=name)
        out[name] = open_engine(folder)
    return out


@pytest.mark.parametrize("params", AGREEMENT, ids=[str(p) for p in AGREEMENT])
def test_every_engine_gives_the_same_answer_in_the_same_order(both, params):
    answers = [both[name].search(parse_request(params)).to_dict() for name in ENGINES]
    assert answers[0]["total"] > 0
    assert all(answer == answers[0] for answer in answers[1:])

"""The search engine as a reader meets it: words, phrases, 文号, filters, facets, sorting,
pages, and a small judged relevance set. The index is built from the shared fixture content plus
a few documents written here, through the same loader `portal build` uses."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from search_index.engine import open_engine
from search_index.indexer import build_index
from search_index.request import parse_request
from site_builder.loader import load_content
from site_builder.models import NormativeDocument, Regulation

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"
TODAY = dt.date(2026, 6, 1)

EXTRA = {
    "regulations/dangyuan-jiaoyu-2006.md": """---
title: 党员教育管理办法
doc_number: 冀办发〔2006〕12号
issuer: 河北省
level: 办法
published: 2006-04-01
effective: 2006-05-01
category: 党员队伍建设
---
第一条　为了加强党员教育管理，制定本办法。

第二条　党员教育应当坚持经常性教育与集中培训相结合。
""",
    "policies/dongxun-2006.md": """---
title: 关于做好党员冬训工作的通知
doc_number: 冀办发〔2006〕120号
issuer: 河北省
published: 2006-11-01
effective: 2006-11-01
category: 党员队伍建设
---
各市委：请认真组织党员冬训。
""",
    "policies/shuju-anquan-2024.md": """---
title: 关于加强数据安全和个人信息保护的实施意见
doc_number: 石办发〔2024〕5号
issuer: 石家庄市
published: 2024-03-01
effective: 2024-04-01
category: 网络安全
---
一、各单位要加强数据安全，完善管理制度，落实个人信息保护责任。
""",
    "news/posts/xinxi-peixun-2025.md": """---
title: 正定县举办个人信息保护培训班
date: 2025-09-10
categories: [基层动态]
unit: 正定县
---
培训班讲解了个人信息保护的法律要求。
""",
    "regulations/lianzheng-2022.md": """---
title: 党风廉政建设责任制实施办法
doc_number: 冀发〔2022〕6号
issuer: 河北省
level: 办法
published: 2022-02-01
effective: 2022-03-01
category: 党风廉政建设
---
第一条　为了落实党风廉政建设主体责任和监督责任，制定本办法。

第二条　党委对本地区党风廉政建设负主体责任。
""",
    "news/posts/lianzheng-huiyi-2024.md": """---
title: 保定市召开全市党建工作会议
date: 2024-01-15
categories: [要闻]
unit: 保定市
---
会议总结了组织工作，并对党风廉政建设作出部署。
""",
    "regulations/shuzhi-2023.md": """---
title: 基层党组织书记抓党建述职评议考核办法
doc_number: 竞办发〔2023〕2号
issuer: 竞秀区
level: 办法
published: 2023-06-01
effective: 2023-06-01
category: 党的组织建设
---
第一条　基层党组织书记每年向上级党委述职，接受述职评议。
""",
    "policies/diyi-shuji-2023.md": """---
title: 驻村第一书记选派管理办法
doc_number: 正办发〔2023〕9号
issuer: 正定县
published: 2023-08-01
effective: 2023-08-01
category: 乡村振兴
---
第一书记由县委组织部统一选派，任期两年。
""",
    "news/posts/diyi-shuji-2025.md": """---
title: 竞秀区召开驻村干部座谈会
date: 2025-04-02
categories: [基层动态]
unit: 竞秀区
---
座谈会上，三名第一书记交流了工作体会。
""",
}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("search") / "content"
    shutil.copytree(FIXTURE, root)
    for rel, text in EXTRA.items():
        (root / rel).write_text(text, encoding="utf-8")
    return load_content(root, TODAY)


@pytest.fixture(scope="module")
def engine(content, tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "search-index"
    build_index(content, out)
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
    assert "/news/posts/xinxi-peixun-2025/" in urls(search(engine, q="个人信息"))


@pytest.mark.parametrize("number", ["冀办发〔2006〕12号", "冀办发[2006]12号", "冀办发2006 12号", "冀办发（2006）12号"])
def test_a_document_number_in_any_common_spelling_finds_that_document_first(engine, number):
    assert urls(search(engine, q=number))[0] == "/regulations/dangyuan-jiaoyu-2006/"


def test_a_document_number_does_not_match_a_longer_number_that_starts_the_same(engine):
    assert "/policies/dongxun-2006/" not in urls(search(engine, q="冀办发〔2006〕12号"))


def test_an_issuer_prefix_and_year_lists_that_years_documents(engine):
    assert set(urls(search(engine, q="冀办发〔2006〕"))) >= {"/regulations/dangyuan-jiaoyu-2006/", "/policies/dongxun-2006/"}


def test_snippets_mark_the_matched_words_and_escape_everything_else(engine):
    hit = search(engine, q="个人信息保护", type="news").hits[0]
    assert "<mark>个人信息保护</mark>" in hit.snippet
    assert "<mark>个人信息保护</mark>" in hit.title_html


@pytest.mark.parametrize("q", ["AND OR NOT", "title:党员", "党员*", '"', "“未闭合", "(((", "！？", "a" * 200])
def test_query_syntax_characters_are_searched_as_plain_text(engine, q):
    search(engine, q=q)  # no parser error can escape: the public types text, not syntax


def test_punctuation_alone_matches_nothing_rather_than_everything(engine):
    assert search(engine, q="！？").total == 0


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


def expected(content, keep) -> tuple[int, dict[str, dict[str, int]]]:
    matching = [facts(content, d) for d in content.documents.values() if keep(facts(content, d))]
    facets = {name: dict(Counter(f[name] for f in matching if f[name])) for name in
              ("type", "issuer", "level", "validity", "year")}
    return len(matching), facets


FILTERS = [
    ({"type": "regulation"}, lambda f: f["type"] == "regulation"),
    ({"type": "news"}, lambda f: f["type"] == "news"),
    ({"issuer": "130100"}, lambda f: f["issuer"] == "130100"),
    ({"issuer": "中共河北省委"}, lambda f: f["issuer"] == "130000"),
    ({"level": "办法"}, lambda f: f["level"] == "办法"),
    ({"validity": "repealed"}, lambda f: f["validity"] == "repealed"),
    ({"validity": "not_yet_effective"}, lambda f: f["validity"] == "not_yet_effective"),
    ({"unit": "石家庄市"}, lambda f: "130100" in f["units"]),
    ({"unit": "130600"}, lambda f: "130600" in f["units"]),
    ({"year": "2026"}, lambda f: f["year"] == "2026"),
    ({"from": "2023-01-01", "to": "2024-12-31"}, lambda f: dt.date(2023, 1, 1) <= f["date"] <= dt.date(2024, 12, 31)),
    ({"from": "2025-01-01"}, lambda f: f["date"] >= dt.date(2025, 1, 1)),
    ({"type": "regulation", "unit": "河北省", "validity": "effective"},
     lambda f: f["type"] == "regulation" and f["validity"] == "effective"),
]


@pytest.mark.parametrize("params,keep", FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_keeps_exactly_the_matching_documents_and_counts_facets_over_them(engine, content, params, keep):
    result = search(engine, size=50, **params)
    total, facets = expected(content, keep)
    assert result.total == total and len(result.hits) == total
    assert {name: {f.value: f.count for f in values} for name, values in result.facets.items()} == facets


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


def test_an_unknown_unit_is_a_clear_error(engine):
    from search_index.request import InvalidSearch

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


def test_a_page_past_the_end_is_empty_but_still_reports_the_total(engine):
    result = search(engine, q="基层组织", page=9)
    assert result.hits == [] and result.total == 3 and result.pages == 1


# --- judged relevance ----------------------------------------------------------------------------

JUDGED = {  # query → {url: grade}; 2 = what the reader wants, 1 = useful
    "党风廉政建设": {"/regulations/lianzheng-2022/": 2, "/news/posts/lianzheng-huiyi-2024/": 1},
    "个人信息保护": {"/policies/shuju-anquan-2024/": 2, "/news/posts/xinxi-peixun-2025/": 2},
    "第一书记": {"/policies/diyi-shuji-2023/": 2, "/news/posts/diyi-shuji-2025/": 1},
    "述职评议": {"/regulations/shuzhi-2023/": 2},
    "冀办发〔2006〕12号": {"/regulations/dangyuan-jiaoyu-2006/": 2},
    "基层组织工作规定": {"/regulations/zuzhi-gongzuo-2020/": 2, "/regulations/zuzhi-gongzuo-2026/": 2,
                   "/regulations/zuzhi-gongzuo-2015/": 2},
    "机关党建": {"/regulations/jiguan-banfa-2021/": 2, "/regulations/jiguan-banfa-2010/": 2},
}


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum(grades.get(url, 0) / math.log2(i + 2) for i, url in enumerate(ranked[:10]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(grades.values(), reverse=True)[:10]))
    return dcg / ideal


@pytest.mark.parametrize("query", JUDGED)
def test_judged_queries_rank_the_wanted_documents_at_the_top(engine, query):
    assert ndcg_at_10(urls(search(engine, q=query)), JUDGED[query]) >= 0.9


def test_the_judged_set_as_a_whole_scores_high(engine):
    scores = [ndcg_at_10(urls(search(engine, q=q)), g) for q, g in JUDGED.items()]
    assert sum(scores) / len(scores) >= 0.95


def test_a_three_word_phrase_needs_all_three_words_in_order(engine):
    assert urls(search(engine, q='"落实个人信息保护责任"')) == ["/policies/shuju-anquan-2024/"]
    assert search(engine, q='"责任个人信息保护落实"').total == 0


def test_a_phrase_combines_with_other_words_and_filters(engine):
    assert urls(search(engine, q='"数据安全管理" 考核', type="regulation")) == ["/regulations/zuzhi-gongzuo-2020/"]
    assert search(engine, q='"数据安全管理"', type="news").total == 0

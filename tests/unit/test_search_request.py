"""Search parameters: what is accepted, and the Chinese message for each mistake."""

import datetime as dt

import pytest

from search_index.request import InvalidSearch, parse_request


def errors_for(**params) -> dict[str, str]:
    with pytest.raises(InvalidSearch) as caught:
        parse_request(params)
    return caught.value.errors


def test_defaults_are_first_page_of_ten_by_relevance():
    request = parse_request({})
    assert (request.q, request.page, request.size, request.sort) == ("", 1, 10, "relevance")


def test_an_empty_query_lists_by_date_and_a_query_by_relevance():
    assert parse_request({"type": "news"}).by_date
    assert not parse_request({"q": "党员"}).by_date
    assert parse_request({"q": "党员", "sort": "date"}).by_date


def test_all_filters_are_read():
    request = parse_request({"q": " 党员  教育 ", "type": "regulation", "issuer": "130000", "level": "办法",
                             "validity": "effective", "unit": "石家庄市", "year": "2024", "from": "2024-01-01",
                             "to": "2024-12-31", "sort": "date", "page": "2", "size": "50"})
    assert request.q == "党员 教育" and request.year == 2024 and request.size == 50
    assert (request.date_from, request.date_to) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize("params,name,fragment", [
    ({"size": "51"}, "size", "1 到 50"),
    ({"size": "0"}, "size", "1 到 50"),
    ({"size": "十"}, "size", "整数"),
    ({"page": "0"}, "page", "页码"),
    ({"page": "-1"}, "page", "页码"),
    ({"q": "党" * 201}, "q", "最多 200 个字符"),
    ({"type": "book"}, "type", "可选：regulation、policy、news、consultation"),
    ({"level": "法律"}, "level", "效力位阶"),
    ({"validity": "valid"}, "validity", "时效性"),
    ({"sort": "title"}, "sort", "排序方式"),
    ({"from": "2024-02-30"}, "from", "YYYY-MM-DD"),
    ({"to": "昨天"}, "to", "YYYY-MM-DD"),
    ({"year": "24"}, "year", "四位数字"),
    ({"from": "2025-01-01", "to": "2024-01-01"}, "from", "不能晚于"),
])
def test_each_bad_parameter_gets_a_chinese_message_naming_it(params, name, fragment):
    errors = errors_for(**params)
    assert list(errors) == [name] and fragment in errors[name]


def test_every_bad_parameter_is_reported_at_once():
    assert set(errors_for(size="99", page="x", type="y")) == {"size", "page", "type"}


def test_a_query_of_exactly_200_characters_is_accepted():
    assert len(parse_request({"q": "党" * 200}).q) == 200


def test_the_url_of_a_search_keeps_only_what_differs_from_the_defaults():
    request = parse_request({"q": "党员", "type": "news", "page": "3"})
    assert request.params() == {"q": "党员", "type": "news", "page": "3"}
    assert request.params(type=None, page=None) == {"q": "党员"}

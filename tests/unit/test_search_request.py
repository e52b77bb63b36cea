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
    assert parse_request({"type": "news"}).order == "date"
    assert parse_request({"q": "党员"}).order == "relevance"
    assert parse_request({"q": "党员", "sort": "date"}).order == "date"
    assert parse_request({"sort": "effective"}).order == "effective"


def test_all_filters_are_read():
    request = parse_request({"q": " 党员  教育 ", "type": "regulation", "issuer": "130000", "level": "办法",
                             "validity": "effective", "unit": "石家庄市", "year": "2024", "from": "2024-01-01",
                             "to": "2024-12-31", "sort": "date", "page": "2", "size": "50"})
    assert request.q == "党员 教育" and request.year == (2024,) and request.size == 50
    assert (request.type, request.unit) == (("regulation",), ("石家庄市",))
    assert (request.date_from, request.date_to) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_a_filter_takes_several_values_separated_by_commas_as_repeated_parameters_arrive():
    request = parse_request({"type": "regulation,policy", "validity": "effective，amended", "year": "2024,2023,2024",
                             "unit": "石家庄市, 保定市"})
    assert request.type == ("regulation", "policy") and request.validity == ("effective", "amended")
    assert request.year == (2024, 2023) and request.unit == ("石家庄市", "保定市")


@pytest.mark.parametrize("params,name,fragment", [
    ({"size": "51"}, "size", "1 到 50"),
    ({"size": "0"}, "size", "1 到 50"),
    ({"size": "十"}, "size", "整数"),
    ({"size": "²"}, "size", "每页条数应为 1 到 50 之间的整数"),  # str.isdigit() says yes, int() says no
    ({"page": "①"}, "page", "页码应为 1 到 1000 之间的整数"),
    ({"page": "٣"}, "page", "页码"),  # Arabic-Indic digit
    ({"page": "0"}, "page", "页码"),
    ({"page": "-1"}, "page", "页码"),
    ({"page": "9" * 5000}, "page", "页码"),
    ({"q": "党" * 201}, "q", "最多 200 个字符"),
    ({"q": "党员\x00教育"}, "q", "控制字符"),
    ({"q": "\x1b[31m"}, "q", "控制字符"),
    ({"type": "book"}, "type", "可选：党内法规（regulation）、政策文件（policy）"),
    ({"type": "regulation,book"}, "type", "“book”"),
    ({"level": "法律"}, "level", "效力位阶"),
    ({"validity": "valid"}, "validity", "时效性"),
    ({"sort": "title"}, "sort", "按施行日期（effective）"),
    ({"from": "2024-02-30"}, "from", "年-月-日"),
    ({"from": "20240101"}, "from", "年-月-日"),
    ({"to": "昨天"}, "to", "年-月-日"),
    ({"year": "24"}, "year", "四位数字"),
    ({"year": "2024,二〇二四"}, "year", "四位数字"),
    ({"unit": "党" * 51}, "unit", "组织单位无效"),
    ({"issuer": "中共\x00河北省委"}, "issuer", "制定机关无效：“中共�河北省委”"),
    ({"q": "党\ud800员"}, "q", "控制字符"),  # a lone surrogate: no text holds one
    ({"type": ",".join(["news"] * 2 + [f"x{i}" for i in range(30)])}, "type", "最多可选 20 项"),
    ({"from": "2025-01-01", "to": "2024-01-01"}, "from", "不能晚于"),
])
def test_each_bad_parameter_gets_a_chinese_message_naming_it(params, name, fragment):
    errors = errors_for(**params)
    assert list(errors) == [name] and fragment in errors[name]


def test_a_message_shows_what_was_sent_short_and_without_control_characters():
    assert errors_for(level="法\x07" + "律" * 40)["level"].startswith("效力位阶取值无效：“法�律律")
    assert "…”" in errors_for(level="法" * 40)["level"]


def test_every_bad_parameter_is_reported_at_once():
    assert set(errors_for(size="99", page="x", type="y")) == {"size", "page", "type"}


def test_a_query_of_exactly_200_characters_is_accepted():
    assert len(parse_request({"q": "党" * 200}).q) == 200


def test_invisible_formatting_characters_are_dropped_and_spaces_collapsed():
    assert parse_request({"q": "党员\u200b教育\u202e \t\n 考核"}).q == "党员教育 考核"


def test_odd_parameter_values_and_unknown_parameters_are_ignored_not_fatal():
    request = parse_request({"q": None, "type": ["news"], "page.x": "3", "q[]": "x", "": "", "size": ""})
    assert request == parse_request({})


def test_the_url_of_a_search_keeps_only_what_differs_from_the_defaults():
    request = parse_request({"q": "党员", "type": "news,policy", "page": "3"})
    assert request.params() == {"q": "党员", "type": "news,policy", "page": "3"}
    assert request.params(type=None, page=None) == {"q": "党员"}
    assert request.toggled("type", "news") == ("policy",) and request.toggled("type", "regulation") == (
        "news", "policy", "regulation")

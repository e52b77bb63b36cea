"""The Chinese analyzer: word-ordinal positions, sub-words, the user dictionary, and snippets."""

from search_index.analyzer import ChineseAnalyzer, words
from search_index.snippet import highlight, snippet


def tokens(text: str, mode: str = "index") -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in ChineseAnalyzer()(text, positions=True, mode=mode)]


def test_positions_count_words_not_characters():
    assert tokens("加强党员教育", mode="query") == [("加强", 0), ("党员", 1), ("教育", 2)]  # chars: 0, 2, 4


def test_sub_words_share_the_position_of_the_word_they_sit_in():
    found = tokens("落实个人信息保护责任")
    assert ("个人信息保护", 1) in found
    assert {("个人", 1), ("个人信息", 1), ("信息", 1), ("保护", 1)} <= set(found)
    assert ("责任", 2) in found


def test_queries_are_cut_into_whole_words_only_so_phrases_stay_phrases():
    assert tokens("个人信息保护", mode="query") == [("个人信息保护", 0)]


def test_the_user_dictionary_keeps_party_terms_whole():
    assert "全面从严治党" in words("推进全面从严治党向纵深发展")
    assert "三会一课" in words("落实三会一课制度")


def test_punctuation_is_not_a_token_but_still_separates_words():
    assert tokens("数据，安全", mode="query") == [("数据", 0), ("安全", 2)]


def test_latin_letters_are_lowercased_so_case_does_not_matter():
    assert tokens("APP管理", mode="query")[0][0] == "app"


def test_a_snippet_escapes_the_text_and_marks_only_the_matches():
    html = snippet("第一条　<b>个人信息</b>保护 & 安全", ["信息"])
    assert html == "第一条 &lt;b&gt;个人<mark>信息</mark>&lt;/b&gt;保护 &amp; 安全"


def test_a_snippet_of_a_long_text_is_cut_around_the_first_match():
    text = "前言" * 100 + "数据安全管理" + "后记" * 100
    html = snippet(text, ["数据安全管理"])
    assert html.startswith("…") and html.endswith("…") and "<mark>数据安全管理</mark>" in html
    assert len(html) < 160


def test_the_longest_overlapping_term_is_marked_whole():
    assert highlight("个人信息保护", ["信息", "个人信息保护"]) == "<mark>个人信息保护</mark>"

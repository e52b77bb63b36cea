"""The Chinese analyzer: coarse words, the words found inside and across them, the user
dictionary and the organisation's names, the text phrases are looked for in, and snippets."""

from search_index.analyzer import analyzer, literal, org_words, words
from search_index.query import parse_text
from search_index.snippet import highlight, snippet
from site_builder.models import Unit, UnitLevel


def test_words_are_the_coarse_cut_lowercased_without_punctuation():
    assert words("加强党员教育，APP管理。") == ["加强", "党员", "教育", "app", "管理"]


def test_words_inside_a_longer_term_are_indexed_as_parts():
    analysed = analyzer().analyse("落实个人信息保护责任")
    assert analysed.words == "落实 个人信息保护 责任"
    assert {"个人", "个人信息", "信息", "保护"} <= set(analysed.parts.split())


def test_a_term_across_two_words_is_indexed_as_a_part():
    analysed = analyzer().analyse("设置党务公开栏")  # cut 设置|党务|公开栏
    assert "党务公开" not in analysed.words.split() and "党务公开" in analysed.parts.split()


def test_queries_are_cut_into_whole_words_only():
    assert words("个人信息保护") == ["个人信息保护"]


def test_the_user_dictionary_keeps_party_terms_whole():
    assert "全面从严治党" in words("推进全面从严治党向纵深发展")
    assert "三会一课" in words("落实三会一课制度")


def test_full_width_letters_and_digits_are_read_as_ordinary_ones():
    assert words("ＡＰＰ２０２４") == words("APP2024")


def test_short_names_of_units_become_dictionary_words():
    units = [Unit(code="133100", name="雄安新区", organ="中共河北雄安新区工作委员会", level=UnitLevel.city,
                  parent="130000"), Unit(code="130123", name="正定县", organ="中共正定县委", level=UnitLevel.county)]
    extra = org_words(units)
    assert {"雄安", "雄安新区", "正定", "正定县", "中共正定县委"} <= set(extra)
    assert words("雄安") == ["雄", "安"] and analyzer(extra).words("雄安") == ["雄安"]
    assert "雄安" in analyzer(extra).analyse("雄安新区首批社区").parts.split()


def test_a_word_the_dictionary_lacks_is_kept_together_as_an_unknown_word():
    (clause,) = parse_text("驻村", analyzer()).clauses
    assert clause.unknown and clause.literal == "驻村"


def test_a_phrase_is_looked_for_as_text_without_spaces_or_case():
    (clause,) = parse_text("“数据 安全管理”", analyzer()).clauses
    assert clause.literal == "数据安全管理" == literal("数据安全\n管理")
    assert literal("ＡＰＰ 管理") == "app管理"


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

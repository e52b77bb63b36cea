"""The organisation network in content/org/units.yaml: every county-level unit of Hebei with its
real code, the towns of three counties, the party bodies of the province and the cities; written by
scripts/generate_units.py from the pinned data package, with what editors add by hand kept."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter

import pytest

from site_builder.loader import load_content
from site_builder.models import UnitLevel
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("generate_units", ROOT / "scripts" / "generate_units.py")
generate_units = sys.modules.setdefault("generate_units", importlib.util.module_from_spec(spec))
spec.loader.exec_module(generate_units)


@pytest.fixture(scope="module")
def org():
    return load_content(ROOT / "content").org


def city_of(org, code: str) -> str:
    return next(org[c].name for c in org.path(code) if org[c].level is UnitLevel.city)


# Counted from the 2025 national list (民政部), written out by hand.
COUNTIES_PER_CITY = {"石家庄市": 22, "唐山市": 14, "秦皇岛市": 7, "邯郸市": 18, "邢台市": 18, "保定市": 21,
                     "张家口市": 16, "承德市": 11, "沧州市": 16, "廊坊市": 10, "衡水市": 11, "雄安新区": 3}


def test_every_city_has_all_its_county_level_units(org):
    counties = [c for c, u in org.units.items() if u.level is UnitLevel.county]
    assert Counter(city_of(org, c) for c in counties) == COUNTIES_PER_CITY
    assert len(counties) == 167


def test_counties_carry_their_real_codes_and_names(org):
    for code, name, city in (("130123", "正定县", "石家庄市"), ("130181", "辛集市", "石家庄市"), ("130624", "阜平县", "保定市"),
                             ("130682", "定州市", "保定市"), ("130209", "曹妃甸区", "唐山市"), ("130284", "滦州市", "唐山市"),
                             ("130503", "信都区", "邢台市"), ("130828", "围场满族蒙古族自治县", "承德市"),
                             ("131182", "深州市", "衡水市"), ("130709", "崇礼区", "张家口市")):
        assert (org[code].name, city_of(org, code)) == (name, city)


def test_a_county_code_lies_under_its_city_code_and_xiongan_leads_three_counties_of_baoding(org):
    for code, unit in org.units.items():
        if unit.level is UnitLevel.county and unit.parent != "133100":
            assert code[:4] == unit.parent[:4], unit.name
    assert {c: (org[c].name, org[c].coded_under) for c in org.children("133100")} == {
        "130629": ("容城县", "130600"), "130632": ("安新县", "130600"), "130638": ("雄县", "130600")}
    assert org["133100"].parent == "130000" and org["133100"].organ == "中共河北雄安新区工作委员会"


def test_names_two_counties_share_are_qualified_with_their_city(org):
    assert org.resolve("石家庄市新华区") == "130105" and org.resolve("沧州市新华区") == "130902"
    assert org.resolve("张家口市桥西区") == "130703" and org.resolve("新华区") is None


def test_the_towns_of_zhengding_pingshan_and_jingxiu_have_nine_digit_codes_under_their_county(org):
    towns = {county: {org[c].name: c for c in org.children(county)} for county in ("130123", "130131", "130602")}
    assert {county: len(found) for county, found in towns.items()} == {"130123": 10, "130131": 23, "130602": 12}
    assert towns["130123"]["正定镇"] == "130123100" and towns["130123"]["诸福屯街道"] == "130123001"
    assert towns["130123"]["西平乐乡"] == "130123202" and towns["130131"]["西柏坡镇"] == "130131110"
    assert org["130123100"].organ == "中共正定县正定镇委员会"
    assert org["130123001"].organ == "中共正定县诸福屯街道工作委员会"
    assert all(org[c].level is UnitLevel.town for found in towns.values() for c in found.values())


def test_the_province_and_every_city_have_their_party_bodies_coded_parent_plus_9xx(org):
    bodies = {c: u for c, u in org.units.items() if u.level is UnitLevel.party_body}
    assert len(bodies) == 7 * 12  # the province and its 11 cities
    assert (org["130000902"].name, org["130000902"].organ) == ("河北省委组织部", "中共河北省委组织部")
    assert org["130000901"].organ == "中共河北省委办公厅" and org["130100901"].organ == "中共石家庄市委办公室"
    assert org["130000906"].name == "河北省纪委监委" and org["131100907"].name == "衡水市信访局"
    assert org.resolve("中共保定市委政法委员会") == "130600905"
    for code, unit in bodies.items():
        assert code[:6] == unit.parent and code[6] == "9"


def test_the_units_the_sample_content_names_are_still_there(org):
    for ref in ("中共阜平县委", "中共保定市竞秀区委", "中共正定县委", "中共邯郸市委", "中共廊坊市委", "河北省", "石家庄市",
                "中共河北雄安新区工作委员会"):
        assert org.resolve(ref) is not None, ref


def test_the_committed_file_is_what_the_script_writes_from_the_pinned_package(capsys):
    assert generate_units.main(["--check"]) == 0, capsys.readouterr().err


def test_what_editors_write_by_hand_survives_regeneration_and_their_correction_wins(tmp_path):
    out = tmp_path / "units.yaml"
    by_hand = ('\n  - code: "130123100"\n    name: 正定镇\n    organ: 中共正定县正定镇委员会（更正）\n    level: town\n'
               '    parent: "130123"\n\n  - code: "130123950"\n    name: 正定县委社会工作部\n'
               '    organ: 中共正定县委社会工作部\n    level: party_body\n    parent: "130123"\n')
    out.write_text((ROOT / "content" / "org" / "units.yaml").read_text(encoding="utf-8") + by_hand, encoding="utf-8")
    assert generate_units.main(["--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.endswith(by_hand) and text.count('code: "130123100"') == 1
    assert text.count("中共正定县正定镇委员会") == 1  # the generated entry gave way to the correction
    assert text.index('code: "133100"') > text.index(generate_units.HAND_MARKER)


def test_towns_of_other_counties_can_be_generated(tmp_path):
    out = tmp_path / "units.yaml"
    assert generate_units.main(["--out", str(out), "--towns", "130684"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "白沟镇" in text and "西柏坡镇" not in text and "高碑店市（130684）" in text

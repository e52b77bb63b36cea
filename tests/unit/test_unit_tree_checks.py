"""`portal check` keeps the organisation tree sound when editors add or correct units by hand: codes
and names unique, parents that exist and sit one level up, codes under the parent's code, party
bodies coded parent + 9xx, no cycles. Each problem at its line, in Chinese."""

from __future__ import annotations

import pytest

from portal.cli import main
from tests.conftest import FIXTURE_TODAY

# Units appended to the fixture's org/units.yaml (25 lines), so the first added line is 26.


def unit(code: str, name: str, organ: str, level: str, parent: str, extra: str = "") -> str:
    return (f'  - code: "{code}"\n    name: {name}\n    organ: {organ}\n    level: {level}\n'
            f'    parent: "{parent}"\n{extra}')


def check_with(content_copy, capsys, *added: str) -> list[str]:
    path = content_copy / "org" / "units.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(added), encoding="utf-8")
    code = main(["check", "--content", str(content_copy), "--today", FIXTURE_TODAY.isoformat()])
    errors = capsys.readouterr().err.splitlines()
    assert code == (1 if errors else 0)
    return [line for line in errors if line.startswith("org/units.yaml:")]


def test_a_town_a_party_body_and_a_county_added_in_their_places_pass(content_copy, capsys):
    assert check_with(content_copy, capsys,
                      unit("130123100", "正定镇", "中共正定县正定镇委员会", "town", "130123"),
                      unit("130000902", "河北省委组织部", "中共河北省委组织部", "party_body", "130000"),
                      unit("130100906", "石家庄市纪委监委", "中共石家庄市纪律检查委员会", "party_body", "130100"),
                      unit("130131", "平山县", "中共平山县委", "county", "130100")) == []


CASES = {
    "a county whose code is another city's": (
        [unit("130631", "望都县", "中共望都县委", "county", "130100")],
        "org/units.yaml:26: code: 代码应以上级单位“石家庄市”的代码前 4 位 1301 开头"),
    "a town whose code is not its county's": (
        [unit("130131100", "平山镇", "中共平山县平山镇委员会", "town", "130123")],
        "org/units.yaml:26: code: 代码应以上级单位“正定县”的代码前 6 位 130123 开头"),
    "a town coded like a party body": (
        [unit("130123901", "正定镇", "中共正定县正定镇委员会", "town", "130123")],
        "org/units.yaml:26: code: 乡镇（街道）的代码应为 9 位：县级代码加 3 位（不以 9 开头）"),
    "a party body without the 9xx suffix": (
        [unit("130000102", "河北省委组织部", "中共河北省委组织部", "party_body", "130000")],
        "org/units.yaml:26: code: 党委部门的代码应为 9 位：上级单位代码加 9 开头的 3 位"),
    "a party body under a town": (
        [unit("130123100", "正定镇", "中共正定县正定镇委员会", "town", "130123"),
         unit("130123901", "正定镇党建办", "中共正定县正定镇党建办", "party_body", "130123100")],
        "org/units.yaml:35: parent: 党委部门的上级单位应为省、市、县（市、区），“正定镇”是乡镇（街道）"),
    "a town directly under a city": (
        [unit("130100100", "某镇", "中共某镇委员会", "town", "130100")],
        "org/units.yaml:30: parent: 上级单位的层级（市）应高于本单位（乡镇（街道））"),
    "a code used twice": (
        [unit("130123", "正定县二", "中共正定县二委", "county", "130100")],
        "org/units.yaml:26: code: “130123”重复（第 3 个单位已使用）"),
    "an organ another unit already has": (
        [unit("130131", "平山县", "中共正定县委", "county", "130100")],
        "org/units.yaml:28: organ: “中共正定县委”重复（第 3 个单位已使用）"),
    "an organ that is another unit's name": (
        [unit("130131", "平山县", "正定县", "county", "130100")],
        "org/units.yaml:28: organ: “正定县”重复（第 3 个单位已使用）"),
    "a parent that does not exist": (
        [unit("130131", "平山县", "中共平山县委", "county", "130199")],
        "org/units.yaml:30: parent: 上级单位代码“130199”不存在"),
    "coded under a unit that is not a city": (
        [unit("130629", "容城县", "中共容城县委", "county", "130100", '    coded_under: "130123"\n')],
        "org/units.yaml:31: coded_under: “130123”不是已有的市级单位代码"),
    "a second unit without a parent": (
        ['  - code: "140000"\n    name: 山西省\n    organ: 中共山西省委\n    level: province\n'],
        "org/units.yaml:1: parent: 应恰好有一个顶级单位（没有 parent），现有 2 个"),
}


@pytest.mark.parametrize("added,expected", CASES.values(), ids=CASES.keys())
def test_each_problem_of_the_tree_is_reported_at_its_line(content_copy, capsys, added, expected):
    assert expected in check_with(content_copy, capsys, *added)


def test_units_whose_parents_run_in_a_circle_are_reported_and_the_check_ends(content_copy, capsys):
    problems = check_with(content_copy, capsys,
                          unit("130131", "平山县", "中共平山县委", "county", "130133"),
                          unit("130133", "赵县", "中共赵县县委", "county", "130131"))
    assert "org/units.yaml:30: parent: 上级单位形成循环：平山县 → 赵县 → 平山县" in problems


def test_a_county_coded_under_its_city_while_another_unit_leads_it_passes(content_copy, capsys):
    assert check_with(content_copy, capsys,
                      unit("133100", "雄安新区", "中共河北雄安新区工作委员会", "city", "130000"),
                      unit("130629", "容城县", "中共容城县委", "county", "133100", '    coded_under: "130600"\n')) == []

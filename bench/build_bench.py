#!/usr/bin/env python3
"""Build benchmark: `portal build` against a plain mkdocs-material build of the same Markdown.

    .venv/bin/python bench/build_bench.py 1000
    .venv/bin/python bench/build_bench.py --sizes 1000,10000 --repeat 3 --json /tmp/bench.json

For each N the script

1. generates N synthetic documents (seeded, deterministic) in a temporary content folder:
   50 % regulations (10–30 articles `第N条　…` under `## 第一章　总则` chapter headings, some
   amending or repealing older ones), 30 % policies, 20 % news posts with `<!-- more -->`;
   unique 文号, issuers from the fixture's org/units.yaml, dates spread over 2000–2026. The
   fixture's org/, about.md, news/index.md, petition/, feedback/, chronicle/ and surveys/ are
   copied in unchanged;
2. validates it with `portal check` (timed separately, not part of the comparison);
3. copies the same Markdown files (front matter as is) into a separate docs folder with a minimal
   mkdocs.yml: Material theme (`language: zh`), Material's search plugin with `lang: zh`, a nav
   with only the index page, no blog plugin, no hooks, no extra Markdown extensions;
4. runs both builds as subprocesses, one after the other (alternating which goes first when
   `--repeat` > 1), from a clean output folder each time, and reports medians.

Printed per N: wall-clock time (subprocess start to exit, so interpreter start and imports count)
and CPU time of both builds, their ratio, ms per HTML page and per source document, output size,
number of HTML pages and the largest HTML page. With several sizes it also prints the growth of the
build time, and at the end the issue's targets (N=10000 within 120 s, at most 0.5x the plain
Material build, at most 11x from 1000 to 10000, no HTML page over 150 KB) with PASS/FAIL.

The machine may be shared: before each timed build the script waits (`--wait-idle`) until other
processes are quiet, and it reports how much CPU they used during each build. The portal code is
snapshotted at start (`--no-snapshot` to use the working tree), so edits made while a long run is
going cannot mix two versions of the code in one set of figures.

`--profile PATH` additionally runs the portal build once under cProfile (not timed) for the
largest N and prints phases, time per package and the top functions. Nothing in the project is
modified; all files live under a temporary folder (kept with `--keep`). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "content"
PORTAL_CONFIG = "mkdocs.yml"
# What `portal build` runs from; copied into the work folder (see --no-snapshot) so that edits made
# to the working tree while a long benchmark runs cannot change the code between two timed builds.
CODE_PATHS = ["portal", "site_builder", "search_index", "mkdocs.yml"]  # what `portal build` imports and reads
# Copied from the fixture unchanged: what mkdocs.yml's nav and the generated pages need.
FIXTURE_COPY = ["org", "about.md", "news/index.md", "petition", "feedback", "chronicle", "surveys"]

TARGET_SECONDS_10K = 120.0
TARGET_RATIO = 0.5
TARGET_GROWTH = 11.0  # 1000 → 10000 documents
TARGET_MAX_HTML_KB = 150.0
# A build counts as disturbed when other processes used more CPU than this share of its wall time.
NOISY_SHARE = 0.25

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


# --- plain Material baseline --------------------------------------------------------------------

def jieba_available(bin_dir: Path) -> bool:
    python = bin_dir / "python"
    probe = subprocess.run([str(python), "-c", "import jieba"], capture_output=True)
    return probe.returncode == 0


def write_baseline(content: Path, docs_dir: Path, site_dir: Path, search_lang: str, separator: str | None) -> Path:
    for md in content.rglob("*.md"):
        dst = docs_dir / md.relative_to(content)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(md, dst)
    (docs_dir / "index.md").write_text("# 首页\n\n基准站点：与门户相同的 Markdown 文件。\n", encoding="utf-8")
    search = {"lang": search_lang}
    if separator:
        search["separator"] = separator
    config = {
        "site_name": "基准站点",
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh"},
        "plugins": [{"search": search}],
        "nav": [{"首页": "index.md"}],
    }
    path = docs_dir.parent / "mkdocs-plain.yml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def snapshot_code(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in CODE_PATHS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, target / name)


def source_hash(root: Path) -> str:
    """Short fingerprint of the portal code a run used (names it even when the working tree is ahead of HEAD)."""
    digest = hashlib.sha256()
    for name in CODE_PATHS:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()
                                                      and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- measuring ----------------------------------------------------------------------------------

@dataclass
class SiteStats:
    total_bytes: int
    html_pages: int
    largest_html: str
    largest_html_bytes: int
    largest_file: str
    largest_file_bytes: int


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def site_stats(site: Path) -> SiteStats:
    total, pages = 0, 0
    big_html, big_html_size, big_file, big_file_size = "", 0, "", 0
    for dirpath, _, filenames in os.walk(site):
        for name in filenames:
            path = Path(dirpath, name)
            size = path.stat().st_size
            total += size
            rel = path.relative_to(site).as_posix()
            if size > big_file_size:
                big_file, big_file_size = rel, size
            if name.endswith(".html"):
                pages += 1
                if size > big_html_size:
                    big_html, big_html_size = rel, size
    return SiteStats(total, pages, big_html, big_html_size, big_file, big_file_size)


@dataclass
class Timing:
    wall: float  # seconds, subprocess start to exit
    cpu: float  # user + system CPU seconds of the build process
    others: float  # CPU seconds used by *other* processes on the machine meanwhile (contention)


def _cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) jiffies from /proc/stat, or None off Linux."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_cores(interval: float = 1.0) -> float | None:
    """How many cores other processes keep busy right now (this script is idle while measuring)."""
    a = _cpu_jiffies()
    time.sleep(interval)
    b = _cpu_jiffies()
    if a is None or b is None:
        return None
    return (b[0] - a[0]) / os.sysconf("SC_CLK_TCK") / interval


def wait_until_idle(max_wait: float, threshold: float) -> float | None:
    """Wait (up to max_wait s) until other processes use less than `threshold` cores; return the last reading."""
    deadline = time.monotonic() + max_wait
    while True:
        busy = busy_cores()
        if busy is None or busy < threshold or time.monotonic() >= deadline:
            return busy
        time.sleep(4)


def run_timed(cmd: list[str], cwd: Path, env: dict) -> tuple[Timing, subprocess.CompletedProcess]:
    ticks = os.sysconf("SC_CLK_TCK")
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_cpu = _cpu_jiffies()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after_cpu = _cpu_jiffies()
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(f"\n命令失败（退出码 {proc.returncode}）：{' '.join(cmd)}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n")
        raise SystemExit(2)
    cpu = (after_children.ru_utime - before_children.ru_utime) + (after_children.ru_stime - before_children.ru_stime)
    others = 0.0
    if before_cpu and after_cpu:
        others = max(0.0, (after_cpu[0] - before_cpu[0]) / ticks - cpu)
    return Timing(elapsed, cpu, others), proc


def bench_size(n: int, args, bin_dir: Path, env: dict, search_lang: str, separator: str | None,
               code_dir: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"build-bench-{n}-", dir=args.workdir))
    content, out = work / "content", work / "portal-out"
    plain_docs, plain_site = work / "plain" / "docs", work / "plain" / "site"
    print(f"\n== N={n}  （工作目录 {work}）", flush=True)

    started = time.perf_counter()
    counts = write_content(content, n, args.seed, args.today)
    gen_seconds = time.perf_counter() - started
    print(f"生成 {n} 篇：法规 {counts.get('regulation', 0)}、政策 {counts.get('policy', 0)}、新闻 {counts.get('news', 0)}"
          f"（修改 {counts['amends']}、废止 {counts['repeals']}），Markdown 共 {counts['source_bytes'] / 2**20:.1f} MB，"
          f"用时 {gen_seconds:.1f} 秒", flush=True)

    today = args.today.isoformat()
    check_timing, proc = run_timed([str(bin_dir / "portal"), "check", "--content", str(content), "--today", today],
                                   code_dir, env)
    print(f"portal check：{proc.stdout.strip()}（{check_timing.wall:.1f} 秒）", flush=True)

    plain_config = write_baseline(content, plain_docs, plain_site, search_lang, separator)
    portal_cmd = [str(bin_dir / "portal"), "build", "--content", str(content), "--out", str(out),
                  "--today", today, "--config", str(code_dir / PORTAL_CONFIG)]
    plain_cmd = [str(bin_dir / "mkdocs"), "build", "-q", "-f", str(plain_config)]

    runs: dict[str, list[Timing]] = {"portal": [], "plain": []}
    noisy_runs: dict[str, list[Timing]] = {"portal": [], "plain": []}
    for k in range(args.repeat):
        order = ["portal", "plain"] if k % 2 == 0 else ["plain", "portal"]
        for which in order:
            cmd = portal_cmd if which == "portal" else plain_cmd
            attempts: list[Timing] = []
            for attempt in range(1 + args.retry_noisy):
                shutil.rmtree(out if which == "portal" else plain_site, ignore_errors=True)
                busy = wait_until_idle(args.wait_idle, args.idle_threshold) if args.wait_idle > 0 else None
                timing, _ = run_timed(cmd, code_dir, env)
                attempts.append(timing)
                noisy = timing.others > NOISY_SHARE * timing.wall
                print(f"  第 {k + 1}/{args.repeat} 次 {which:6s} 墙钟 {timing.wall:7.1f} 秒  CPU {timing.cpu:7.1f} 秒  "
                      f"期间其他进程 CPU {timing.others:6.1f} 秒"
                      + (f"（开始前其他进程占 {busy:.2f} 核）" if busy is not None else "")
                      + ("  ← 其他进程占用 CPU，墙钟时间偏高" if noisy else ""), flush=True)
                if not noisy:
                    break
            # keep the least disturbed attempt; all attempts go to the JSON
            best = min(attempts, key=lambda t: t.others / t.wall)
            runs[which].append(best)
            noisy_runs[which] += [t for t in attempts if t is not best]

    portal_stats = site_stats(out / "site")
    plain_stats = site_stats(plain_site)

    def median(which: str, attr: str) -> float:
        return statistics.median(getattr(t, attr) for t in runs[which])

    portal_s, plain_s = median("portal", "wall"), median("plain", "wall")
    portal_cpu, plain_cpu = median("portal", "cpu"), median("plain", "cpu")
    result = {
        "n": n, "counts": counts, "generate_seconds": round(gen_seconds, 2),
        "check_seconds": round(check_timing.wall, 2),
        "portal_seconds": round(portal_s, 2), "plain_seconds": round(plain_s, 2),
        "portal_cpu_seconds": round(portal_cpu, 2), "plain_cpu_seconds": round(plain_cpu, 2),
        "portal_runs": [t.__dict__ for t in runs["portal"]], "plain_runs": [t.__dict__ for t in runs["plain"]],
        "discarded_runs": {k: [t.__dict__ for t in v] for k, v in noisy_runs.items()},
        "contended_runs": sum(t.others > NOISY_SHARE * t.wall for v in runs.values() for t in v),
        "ratio": round(portal_s / plain_s, 3), "cpu_ratio": round(portal_cpu / plain_cpu, 3),
        "portal": portal_stats.__dict__, "plain": plain_stats.__dict__,
        "registry_bytes": (out / "registry.json").stat().st_size,
        "portal_out_bytes": dir_bytes(out),  # site + registry.json + search-index/ + shells/ …
        "portal_artifacts": {p.name: dir_bytes(p) if p.is_dir() else p.stat().st_size
                             for p in sorted(out.iterdir()) if p.name != "site"},
        "workdir": str(work),
    }
    print_size(result)
    if args.profile and n == max(args.sizes):
        profile_portal(portal_cmd, out, Path(args.profile), env, bin_dir, code_dir)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        result["workdir"] = None
    return result


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def print_size(r: dict) -> None:
    n, p, b = r["n"], r["portal"], r["plain"]
    rows = [
        ("构建时间（秒，中位数）", f"{r['portal_seconds']:.1f}", f"{r['plain_seconds']:.1f}"),
        ("CPU 时间（秒，中位数）", f"{r['portal_cpu_seconds']:.1f}", f"{r['plain_cpu_seconds']:.1f}"),
        ("每个 HTML 页面（毫秒）", f"{1000 * r['portal_seconds'] / p['html_pages']:.2f}",
         f"{1000 * r['plain_seconds'] / b['html_pages']:.2f}"),
        ("每篇源文件（毫秒）", f"{1000 * r['portal_seconds'] / n:.2f}", f"{1000 * r['plain_seconds'] / n:.2f}"),
        ("HTML 页面数", str(p["html_pages"]), str(b["html_pages"])),
        ("网站目录大小（MB）", f"{p['total_bytes'] / 2**20:.1f}", f"{b['total_bytes'] / 2**20:.1f}"),
        ("构建输出总大小（MB）", f"{r['portal_out_bytes'] / 2**20:.1f}", f"{b['total_bytes'] / 2**20:.1f}"),
        ("最大 HTML 页面（KB）", f"{p['largest_html_bytes'] / 1024:.1f}", f"{b['largest_html_bytes'] / 1024:.1f}"),
        ("最大 HTML 页面", p["largest_html"], b["largest_html"]),
        ("最大文件", f"{p['largest_file']}（{p['largest_file_bytes'] / 1024:.0f} KB）",
         f"{b['largest_file']}（{b['largest_file_bytes'] / 1024:.0f} KB）"),
    ]
    if r["contended_runs"]:
        print(f"\n注意：计入中位数的构建中有 {r['contended_runs']} 次受到其他进程干扰（见上方标记），墙钟时间偏高。")
    artifacts = "，".join(f"{k} {v / 2**20:.1f} MB" for k, v in r["portal_artifacts"].items())
    print(f"\nN={n}：portal build / 普通 Material = {r['ratio']:.2f}x（按 CPU 时间 {r['cpu_ratio']:.2f}x）"
          f"（portal check 单独 {r['check_seconds']:.1f} 秒；网站之外的构建产物：{artifacts or '无'}）")
    width = max(display_width(k) for k, _, _ in rows) + 2
    print(f"{pad('', width)}{pad('portal build', 26, right=True)}  {pad('plain Material', 36, right=True)}")
    for label, a, c in rows:
        print(f"{pad(label, width)}{pad(a, 26, right=True)}  {pad(c, 36, right=True)}")
    sys.stdout.flush()


def profile_portal(portal_cmd: list[str], out: Path, prof: Path, env: dict, bin_dir: Path, code_dir: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(bin_dir / "python"), "-m", "cProfile", "-o", str(prof), *portal_cmd]
    print(f"\n性能剖析（cProfile，不计时；剖析开销使时间约翻倍且夸大调用次数多的小函数；"
          f"只剖析主进程，子进程中的检索索引不在其中）：{prof}", flush=True)
    try:
        run_timed(cmd, code_dir, env)
    except SystemExit:
        print("性能剖析失败（见上），计时结果不受影响。", flush=True)
        return
    summarize_profile(prof, code_dir=code_dir)


# (label, "module:Qualified.name"); cumulative times, located via inspect so that a method is not
# confused with same-named functions elsewhere in the file
PHASES = [
    ("portal build 总计", "portal.cli:_build"),
    ("  内容校验 load_content", "site_builder.loader:load_content"),
    ("  构建 build_all（网站 + 另一进程中的检索索引）", "portal.build:build_all"),
    ("  MkDocs 构建 build_site", "site_builder.build:build_site"),
    ("    Markdown 转换 Markdown.convert", "markdown.core:Markdown.convert"),
    ("      md_in_html 预处理（原始 HTML 扫描）", "markdown.extensions.md_in_html:HtmlBlockPreprocessor.run"),
    ("      MkDocs 锚点收集（原始 HTML 扫描）", "mkdocs.structure.pages:_RawHTMLPreprocessor.run"),
    ("      行内模式 InlineProcessor.run", "markdown.treeprocessors:InlineProcessor.run"),
    ("    MkDocs 读取源文件与元数据 Page.read_source", "mkdocs.structure.pages:Page.read_source"),
    ("    Jinja2 模板渲染 Template.render", "jinja2.environment:Template.render"),
    ("    Material 博客插件 on_page_markdown", "material.plugins.blog.plugin:BlogPlugin.on_page_markdown"),
    ("    Material 博客插件 on_page_content", "material.plugins.blog.plugin:BlogPlugin.on_page_content"),
    ("    Material 博客插件 on_page_context", "material.plugins.blog.plugin:BlogPlugin.on_page_context"),
    ("      mkdocs Page.__eq__（全部调用）", "mkdocs.structure.pages:Page.__eq__"),
    ("    门户钩子 on_files（生成列表页）", "site_builder.mkdocs_hooks:on_files"),
    ("    门户钩子 on_page_markdown", "site_builder.mkdocs_hooks:on_page_markdown"),
    ("    写页面 _build_page（含模板渲染）", "mkdocs.commands.build:_build_page"),
    ("  搜索索引 build_index（Whoosh，若在本进程内）", "search_index.indexer:build_index"),
    ("  等待检索索引子进程 Process.join", "multiprocessing.process:BaseProcess.join"),
]


def _locate(target: str) -> tuple[str, int, str] | None:
    """("module:Qual.name") → (file, first line, function name) as pstats keys them."""
    import importlib
    import inspect

    module_name, qualname = target.split(":")
    try:
        obj = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        obj = inspect.unwrap(obj)
        code = obj.__code__
        return code.co_filename, code.co_firstlineno, code.co_name
    except Exception:  # module missing in this version of the code: skip the row
        return None


# tottime grouped by where the code lives
GROUPS = [("material/plugins/blog/", "Material 博客插件"), ("material/plugins/", "Material 其他插件"),
          ("material/templates/", "Material 模板（编译后的 Jinja）"), ("/jinja2/", "Jinja2 运行时"),
          ("/pymdownx/", "pymdown-extensions"), ("/markdown/", "Python-Markdown"), ("/mkdocs/", "MkDocs 核心"),
          ("/whoosh/", "Whoosh"), ("/yaml/", "PyYAML"), ("/pydantic", "Pydantic"),
          ("html/parser.py", "html.parser"), ("_markupbase.py", "html.parser"), ("/site_builder/", "门户 site_builder"),
          ("/search_index/", "门户 search_index"), ("/portal/", "门户 portal")]


def summarize_profile(prof: Path, top: int = 25, code_dir: Path | None = None) -> None:
    import pstats

    if code_dir is not None and str(code_dir) not in sys.path:
        sys.path.insert(0, str(code_dir))  # locate functions in the code that was profiled

    stats = pstats.Stats(str(prof))
    raw = stats.stats  # {(file, line, func): (cc, nc, tottime, cumtime, callers)}
    total = max(v[3] for v in raw.values())
    print(f"\n阶段（累计时间，含调用；总计 {total:.1f} 秒）：")
    for label, target in PHASES:
        key = _locate(target)
        hit = raw.get(key) if key else None
        if hit is None and key:  # same code at another path (e.g. the snapshot): match file suffix + line + name
            tail = "/".join(Path(key[0]).parts[-2:])
            hit = next((v for (f, line, name), v in raw.items()
                        if f.endswith(tail) and line == key[1] and name == key[2]), None)
        if hit:
            cum, calls = hit[3], hit[1]
            print(f"  {pad(label, 52)}{cum:8.1f} 秒 {100 * cum / total:5.1f}%  （{calls} 次调用）")
    groups: dict[str, float] = {}
    for (f, _, name), v in raw.items():
        group = next((g for key, g in GROUPS if key in f), "C 内置函数（isinstance、正则、I/O…）" if f == "~" else "其他")
        groups[group] = groups.get(group, 0.0) + v[2]
    print("\n自身时间按来源（tottime 合计）：")
    for group, t in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {pad(group, 40)}{t:8.1f} 秒 {100 * t / total:5.1f}%")
    print(f"\n自身时间最多的 {top} 个函数：")
    rows = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    for (f, line, name), v in rows:
        short = f.split("site-packages/")[-1].replace(str(REPO) + "/", "")
        print(f"  {v[2]:8.1f} 秒 {v[1]:>11} 次  {short}:{line}({name})")
    sys.stdout.flush()


# --- targets ------------------------------------------------------------------------------------

def report(results: list[dict], note: str) -> list[tuple[str, bool | None, str]]:
    targets: list[tuple[str, bool | None, str]] = []
    by_n = {r["n"]: r for r in results}
    if len(results) > 1:
        print("\n增长（构建时间之比 / 文件数之比）：")
        ordered = sorted(results, key=lambda r: r["n"])
        for a, b in zip(ordered, ordered[1:]):
            print(f"  N {a['n']} → {b['n']}（{b['n'] / a['n']:.0f}x 文件）：portal {b['portal_seconds'] / a['portal_seconds']:.2f}x"
                  f"（CPU {b['portal_cpu_seconds'] / a['portal_cpu_seconds']:.2f}x），"
                  f"普通 Material {b['plain_seconds'] / a['plain_seconds']:.2f}x"
                  f"（CPU {b['plain_cpu_seconds'] / a['plain_cpu_seconds']:.2f}x）")
    if 10000 in by_n:
        s, c = by_n[10000]["portal_seconds"], by_n[10000]["portal_cpu_seconds"]
        targets.append((f"N=10000 的 portal build ≤ {TARGET_SECONDS_10K:.0f} 秒", s <= TARGET_SECONDS_10K,
                        f"{s:.1f} 秒（CPU {c:.1f} 秒）"))
    for r in sorted(results, key=lambda r: r["n"]):
        targets.append((f"N={r['n']}：portal ≤ {TARGET_RATIO}x 普通 Material", r["ratio"] <= TARGET_RATIO,
                        f"{r['ratio']:.2f}x（CPU {r['cpu_ratio']:.2f}x）"))
    if 1000 in by_n and 10000 in by_n:
        g = by_n[10000]["portal_seconds"] / by_n[1000]["portal_seconds"]
        gc = by_n[10000]["portal_cpu_seconds"] / by_n[1000]["portal_cpu_seconds"]
        targets.append((f"线性增长：10000 与 1000 之比 ≤ {TARGET_GROWTH:.0f}x", g <= TARGET_GROWTH,
                        f"{g:.2f}x（CPU {gc:.2f}x）"))
    for r in sorted(results, key=lambda r: r["n"]):
        kb = r["portal"]["largest_html_bytes"] / 1024
        targets.append((f"N={r['n']}：没有超过 {TARGET_MAX_HTML_KB:.0f} KB 的 HTML 页面", kb <= TARGET_MAX_HTML_KB,
                        f"最大 {kb:.1f} KB（{r['portal']['largest_html']}）"))
    print("\n目标：")
    for label, ok, value in targets:
        print(f"  [{'PASS' if ok else 'FAIL'}] {label}：{value}")
    if note:
        print(f"\n说明：{note}")
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, help="number of synthetic documents")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x.strip()],
                        help="several N, comma separated (e.g. 1000,10000); prints the growth ratio")
    parser.add_argument("--repeat", type=int, default=1, help="builds per tool and N; medians are reported")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1),
                        help="build date passed to portal (validity, consultation windows)")
    parser.add_argument("--workdir", type=Path, default=None, help="parent of the temporary folders")
    parser.add_argument("--keep", action="store_true", help="keep generated content and both sites")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--profile", default=None, metavar="PATH",
                        help="after timing the largest N, run portal build once under cProfile into PATH")
    parser.add_argument("--wait-idle", type=float, default=120.0, metavar="SECONDS",
                        help="before each timed build wait up to this long for other processes to go quiet (0: don't)")
    parser.add_argument("--idle-threshold", type=float, default=0.3, metavar="CORES",
                        help="'quiet' means other processes use fewer cores than this (default 0.3)")
    parser.add_argument("--retry-noisy", type=int, default=2, metavar="K",
                        help="rerun a build up to K times when other processes disturbed it; the least "
                             "disturbed attempt counts (default 2)")
    parser.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                        help="build with the working tree as is instead of a copy taken at start")
    parser.add_argument("--search-lang", default="zh", help="lang of the baseline's search plugin (default zh)")
    parser.add_argument("--bin-dir", type=Path, default=None, help="folder with portal, mkdocs, python "
                        "(default: the repo's .venv/bin, else this interpreter's)")
    args = parser.parse_args(argv)
    if args.sizes is None:
        if args.n is None:
            parser.error("give N or --sizes")
        args.sizes = [args.n]
    elif args.n is not None:
        args.sizes = sorted({*args.sizes, args.n})
    if args.repeat < 1 or min(args.sizes) < 10:
        parser.error("--repeat ≥ 1 and N ≥ 10")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)

    bin_dir = args.bin_dir or (REPO / ".venv" / "bin" if (REPO / ".venv" / "bin" / "portal").exists()
                               else Path(sys.executable).parent)
    env = dict(os.environ, PYTHONHASHSEED="0", PORTAL_TODAY=args.today.isoformat())
    env.pop("PORTAL_SITE_URL", None)

    # Material 9.8 segments Chinese for search only if `jieba` is importable (a dev dependency of the
    # project, for this baseline); lang: zh itself is accepted (lunr.zh exists) and builds without it.
    # rjieba, which the portal's own search uses, is not what Material imports.
    has_jieba = jieba_available(bin_dir)
    search_lang, separator, note = args.search_lang, None, ""
    if search_lang == "zh" and has_jieba:
        note = "普通 Material 基准使用 search lang: zh，并由 jieba 为搜索索引分词（Material 9.8 的中文搜索支持）。"
    elif search_lang == "zh":
        note = ("jieba 未安装：普通 Material 基准使用 search lang: zh，但构建时不做中文分词（Material 仅在可导入 jieba 时"
                "分词；rjieba 不是它导入的包）。装了 jieba 的基准会更慢，因此这里的比值对门户偏严。"
                "安装开发依赖（pip install -e '.[dev]'）即可得到 jieba。")
    else:
        separator = r"[\s\u200b\u3000\-、。，．？！；：“”（）《》]+"
        note = f"基准使用 search lang: {search_lang}，separator 适配中文标点。"
    print(f"机器：{os.cpu_count()} 核，Python {sys.version.split()[0]}；工具目录 {bin_dir}；jieba "
          f"{'已安装' if has_jieba else '未安装'}；today={args.today}；seed={args.seed}；repeat={args.repeat}")

    code_dir, code_hash = REPO, source_hash(REPO)
    if args.snapshot:
        code_dir = Path(tempfile.mkdtemp(prefix="build-bench-code-", dir=args.workdir))
        snapshot_code(code_dir)
        code_hash = source_hash(code_dir)
        env["PYTHONPATH"] = str(code_dir)  # ahead of the editable install's finder
        probe = subprocess.run([str(bin_dir / "python"), "-c", "import site_builder, portal; print(site_builder.__file__)"],
                               env=env, cwd=code_dir, capture_output=True, text=True)
        if not probe.stdout.startswith(str(code_dir)):
            sys.exit(f"快照未生效：site_builder 来自 {probe.stdout.strip() or probe.stderr.strip()}")
    print(f"门户代码：{code_dir}（源码指纹 {code_hash}{'，快照' if args.snapshot else '，工作区'}）", flush=True)

    try:
        results = [bench_size(n, args, bin_dir, env, search_lang, separator, code_dir) for n in sorted(args.sizes)]
    finally:
        if args.snapshot and not args.keep:
            shutil.rmtree(code_dir, ignore_errors=True)
    targets = report(results, note)
    if args.json:
        payload = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "code_hash": code_hash,
                   "jieba": has_jieba, "search_lang": search_lang, "note": note, "repeat": args.repeat,
                   "seed": args.seed, "today": args.today.isoformat(), "results": results,
                   "targets": [{"target": t, "met": ok, "value": v} for t, ok, v in targets]}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

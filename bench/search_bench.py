"""Search benchmark: `python bench/search_bench.py N` (N documents, default 20000).

Builds a synthetic corpus of N documents in memory (the same models `portal build` validates) and,
for each engine (Whoosh and SQLite FTS5, both behind search_index's SearchEngine), in fresh
processes: builds the index (docs/s, size on disk, peak memory), updates it after one edited
document, then runs about 200 queries of six kinds twice (first pass: per-process caches cold;
second pass: warm, as a warm Lambda) and prints p50/p95 per kind for the ranked top 10 alone and
for the full API answer (total, facet counts, hits with snippets, JSON); then the search handler's
cold start in a fresh interpreter. Figures, not assertions: record them in docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search_index.analyzer import words  # noqa: E402
from search_index.engine import open_engine  # noqa: E402
from search_index.indexer import build_index  # noqa: E402
from search_index.request import parse_request  # noqa: E402
from site_builder.loader import ContentSet, Document  # noqa: E402
from site_builder.models import Kind, News, Policy, Regulation, Unit, UnitLevel, Validity  # noqa: E402
from site_builder.org import OrgTree  # noqa: E402

ENGINES = ("whoosh", "fts5")
KINDS = ("word", "and", "phrase", "doc_number", "filtered", "phrase_common")

# Source text for the synthetic vocabulary: typical wording of party regulations and notices.
SOURCE = """
为了深入贯彻落实全面从严治党要求，加强和规范基层党组织建设，推进党的建设新的伟大工程，根据中国共产党章程和有关党内法规，
结合本省实际，制定本办法。党支部是党的基础组织，担负直接教育党员、管理党员、监督党员和组织群众、宣传群众、凝聚群众、服务群众的职责。
坚持民主集中制，严格落实三会一课、组织生活会、民主评议党员、谈心谈话等制度，认真开展主题党日活动。加强党员教育管理监督，
建立健全党员档案，做好发展党员工作，严格入党积极分子培养考察程序，规范预备党员转正。各级党委（党组）履行主体责任，纪检监察机关履行监督责任，
深化巡视巡察整改，持续纠治形式主义、官僚主义，切实为基层减负。落实意识形态工作责任制，加强网络安全和数据安全管理，依法做好个人信息保护。
选派驻村第一书记和工作队，推动乡村振兴，发展壮大村级集体经济，完善网格化管理和基层治理体系，提升为民服务能力。加强理论学习中心组学习，
推进党史学习教育常态化长效化。严明政治纪律和政治规矩，坚决落实中央八项规定精神，加强党风廉政建设，营造风清气正的政治生态。
干部选拔任用坚持好干部标准，树立正确用人导向，严格执行干部任职试用期制度和干部交流轮岗制度，加强干部监督管理和考核评价。
完善人才引进培养使用激励机制，落实高层次人才服务保障政策，做好社区工作者职业体系建设，规范经费使用管理和档案资料归档。
本办法由省委组织部负责解释，自印发之日起施行。各市、县党委应当结合实际制定实施细则，并报上级党委备案。
"""
LEVELS = ["条例", "规定", "办法", "规则", "细则", "意见", "通知"]
PREFIXES = ["冀办发", "冀发", "冀组发", "石办发", "保办发", "正办发"]


def vocabulary() -> list[str]:
    """Distinct words of SOURCE, in first-seen order; sampled with Zipf weights below."""
    seen: dict[str, None] = {}
    for word in words(SOURCE):
        seen.setdefault(word, None)
    return list(seen)


def ranked_vocabulary(seed: int = 7) -> list[str]:
    """The vocabulary in Zipf rank order (most frequent first) for this seed."""
    vocab = vocabulary()
    random.Random(seed).shuffle(vocab)
    return vocab


def corpus(n: int, seed: int = 7) -> ContentSet:
    rnd = random.Random(seed + 1)
    vocab = ranked_vocabulary(seed)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]  # Zipf: a few words everywhere, most rare
    units = [Unit(code="130000", name="河北省", organ="中共河北省委", level=UnitLevel.province)]
    for c in range(11):
        city = f"13{c + 1:02d}00"
        units.append(Unit(code=city, name=f"第{c + 1}市", organ=f"中共第{c + 1}市委", level=UnitLevel.city, parent="130000"))
        units += [Unit(code=f"13{c + 1:02d}{k:02d}", name=f"第{c + 1}市{k}县", organ=f"中共第{c + 1}市{k}县委",
                       level=UnitLevel.county, parent=city) for k in range(1, 9)]
    org = OrgTree(units)
    codes = list(org.units)
    docs: dict[str, Document] = {}
    for i in range(n):
        articles = ["".join(rnd.choices(vocab, weights, k=rnd.randint(8, 20))) + "。" for _ in range(rnd.randint(6, 30))]
        body = "\n\n".join(f"第{j + 1}条　{s}" for j, s in enumerate(articles))
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rnd.randrange(9500))
        unit = rnd.choice(codes)
        kind = rnd.choices([Kind.regulation, Kind.policy, Kind.news], [5, 3, 2])[0]
        title = "关于" + "".join(rnd.choices(vocab[20:], k=3)) + "的" + rnd.choice(LEVELS)
        number = f"{rnd.choice(PREFIXES)}〔{day.year}〕{i}号"
        if kind is Kind.news:
            meta = News(title=title[:60], date=day, categories=["要闻"], unit=unit)
        elif kind is Kind.policy:
            meta = Policy(title=title, doc_number=number, issuer=unit, published=day, effective=day, category="综合")
        else:
            meta = Regulation(title=title, doc_number=number, issuer=unit, published=day, effective=day,
                              category="综合", level=rnd.choice(LEVELS))
        path = f"{kind.value}s/d{i}.md"
        docs[path] = Document(kind=kind, path=path, meta=meta, body=body, body_first_line=1, lines=None, unit=unit,
                              validity=None if kind is Kind.news else rnd.choice(list(Validity)))
    return ContentSet(root=Path("."), today=dt.date(2026, 6, 1), org=org, documents=docs, chronicle=[],
                      surveys={}, survey_paths={}, pages=[])


def queries(content: ContentSet, rnd: random.Random) -> list[tuple[str, dict]]:
    """About 215 queries a reader might type: words from the vocabulary, pairs, phrases of content
    words copied from a document, 文号 in the bracket style people type, filtered lists by date;
    plus 15 phrases of the very commonest words (the worst case for positional phrase matching)."""
    docs = list(content.documents.values())
    numbers = [d.meta.doc_number for d in docs if getattr(d.meta, "doc_number", None)]
    vocab = [w for w in vocabulary() if len(w) > 1]
    common = set(ranked_vocabulary()[:30])

    def phrase(content_words: bool) -> str:
        while True:
            text = words(rnd.choice(docs).body)
            start = rnd.randrange(len(text) - 3)
            chosen = text[start:start + rnd.choice([2, 3])]
            if not content_words or all(len(w) > 1 and w not in common for w in chosen):
                return '"' + "".join(chosen) + '"'

    out = [("word", {"q": rnd.choice(vocab)}) for _ in range(60)]
    out += [("and", {"q": f"{rnd.choice(vocab)} {rnd.choice(vocab)}"}) for _ in range(50)]
    out += [("phrase", {"q": phrase(True)}) for _ in range(40)]
    out += [("phrase_common", {"q": phrase(False)}) for _ in range(15)]
    out += [("doc_number", {"q": rnd.choice(numbers).replace("〔", "[").replace("〕", "]")}) for _ in range(25)]
    out += [("filtered", {"type": rnd.choice(["regulation", "policy"]), "unit": rnd.choice(list(content.org.units)[:12]),
                          "from": f"{rnd.randint(2000, 2020)}-01-01", "sort": "date"}) for _ in range(25)]
    rnd.shuffle(out)
    return out



def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_build(engine: str, n: int, work: Path) -> dict:
    """Build the index, then update it after one edited document; write the queries to run."""
    content = corpus(n)
    corpus_mb = peak_mb()
    folder = work / f"index-{engine}"
    started, cpu = time.perf_counter(), time.process_time()
    build_index(content, folder, engine=engine, incremental=False)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    edited = next(iter(content.documents.values()))
    edited.body += "\n\n第九十九条　本办法自发布之日起施行。"
    started = time.perf_counter()
    update = build_index(content, folder, engine=engine)
    update_took = time.perf_counter() - started
    (work / "queries.json").write_text(json.dumps(queries(content, random.Random(11)), ensure_ascii=False))
    return {"build_s": took, "docs_per_s": n / took, "cpu_docs_per_s": n / cpu, "size_mb": size / 1e6,
            "update_s": update_took,
            "update_changed": update.changed, "corpus_mb": corpus_mb, "peak_mb": peak_mb()}


def timed(fn, items, clock=time.perf_counter) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for kind, params in items:
        started = clock()
        fn(params)
        times.setdefault(kind, []).append((clock() - started) * 1000)
    return times


def child_query(engine: str, work: Path) -> dict:
    before = peak_mb()
    started = time.perf_counter()
    searcher = open_engine(work / f"index-{engine}")
    opened = time.perf_counter() - started
    items = [tuple(item) for item in json.loads((work / "queries.json").read_text())]
    searcher.search(parse_request({"q": "党员"}))  # the first query's one-off costs, as at cold start

    def api(params):
        return json.dumps(searcher.search(parse_request(params)).to_dict(), ensure_ascii=False)

    def top10(params):
        return searcher.search(parse_request(params), facets=False)

    out = {"open_s": opened, "cold_api": timed(api, items)}
    out["top10"], out["api"] = timed(top10, items), timed(api, items)
    # the same again on CPU time: what a query costs when the (shared, noisy) machine is idle
    out["top10_cpu"], out["api_cpu"] = timed(top10, items, time.process_time), timed(api, items, time.process_time)
    out.update(peak_mb=peak_mb(), before_mb=before)
    return out


def cold_start(index_dir: Path) -> float:
    code = ("from functions.handlers.search import handler\n"
            "r = handler({'version': '2.0', 'rawPath': '/api/search', 'rawQueryString': 'q=x',"
            " 'queryStringParameters': {'q': '党员教育'}, 'headers': {},"
            " 'requestContext': {'http': {'method': 'GET', 'path': '/api/search'}, 'stage': '$default'}}, None)\n"
            "assert r['statusCode'] == 200, r\n")
    env = dict(os.environ, PORTAL_SEARCH_INDEX=str(index_dir), PYTHONPATH=str(ROOT))
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tempfile.gettempdir())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def report(n: int, builds: dict, runs: dict, colds: dict) -> None:
    print(f"corpus: {n} documents (synthetic, ~690 characters of body each)")
    print(f"{'':<34}" + "".join(f"{e:>22}" for e in ENGINES))
    rows = [("build (docs/s)", lambda e: f"{builds[e]['build_s']:.1f} s = {builds[e]['docs_per_s']:.0f}/s"),
            ("build, per CPU second", lambda e: f"{builds[e]['cpu_docs_per_s']:.0f} docs"),
            ("index size on disk", lambda e: f"{builds[e]['size_mb']:.1f} MB"),
            ("update after 1 edited document", lambda e: f"{builds[e]['update_s']:.2f} s"),
            ("peak memory, build", lambda e: f"{builds[e]['peak_mb']:.0f} MB ({builds[e]['corpus_mb']:.0f} corpus)"),
            ("peak memory, queries (warm caches)", lambda e: f"{runs[e]['peak_mb']:.0f} MB"),
            ("open index + load columns", lambda e: f"{runs[e]['open_s'] * 1000:.0f} ms"),
            ("cold start of the handler, best of 3", lambda e: f"{min(w for w, _ in colds[e]):.2f} s"),
            ("... its CPU time, best of 3", lambda e: f"{min(c for _, c in colds[e]):.2f} s")]
    for label, value in rows:
        print(f"{label:<34}" + "".join(f"{value(e):>22}" for e in ENGINES))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print("\np50 / p95 in ms; top-10 = ranked hits only; API = total + facets + hits + JSON; "
          "first pass = caches cold (wall clock); CPU = process time of the warm pass")
    parts = (("top10", "top-10"), ("api", "API"), ("cold_api", "API 1st"), ("top10_cpu", "top-10 CPU"),
             ("api_cpu", "API CPU"))
    for engine in ENGINES:
        print(f"\n{engine:<15}{'n':>4}" + "".join(f"{label:>20}" for _, label in parts))
        for kind in KINDS:
            cells = "".join(f"{pct(runs[engine][part][kind], 50):8.1f} /{pct(runs[engine][part][kind], 95):7.1f} ms"
                            for part, _ in parts)
            print(f"{kind:<15}{len(runs[engine]['api'][kind]):>4}{cells}")


def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        builds = {e: run_child("build", e, str(n), str(work)) for e in ENGINES}
        runs = {e: run_child("query", e, str(n), str(work)) for e in ENGINES}
        colds = {e: [cold_start(work / f"index-{e}") for _ in range(3)] for e in ENGINES}
        report(n, builds, runs, colds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        task, engine, count, folder = sys.argv[2:6]
        result = child_build(engine, int(count), Path(folder)) if task == "build" else child_query(engine, Path(folder))
        print(json.dumps(result))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)

#!/usr/bin/env python3
"""Build benchmark: `portal build` against a plain mkdocs-material build of the same Markdown.

    .venv/bin/python bench/build_bench.py 1000
    .venv/bin/python bench/build_bench.py --sizes 1000,10000 --repeat 3 --json /tmp/bench.json
    .venv/bin/python bench/build_bench.py 10000 --repeat 3 --edit-one 3

For each N the script

1. generates N synthetic documents (seeded, deterministic) in a temporary content folder
   (build_content.py: 50 % regulations, 30 % policies, 20 % news);
2. validates it with `portal check` (timed separately, not part of the comparison);
3. copies the same Markdown files (front matter as is) into a separate docs folder with a minimal
   mkdocs.yml: Material theme (`language: zh`), Material's search plugin with `lang: zh`, a nav
   with only the index page, no blog plugin, no hooks, no extra Markdown extensions;
4. runs both builds as subprocesses, one after the other (alternating which goes first when
   `--repeat` > 1), from a clean output folder each time, and reports medians.

Printed per N: wall-clock time (subprocess start to exit, so interpreter start and imports count)
and CPU time of both builds, their ratio, peak memory (resident memory summed over the build's
processes, sampled every 50 ms), ms per HTML page and per source document, output size, number of
HTML pages and the largest HTML page. `--edit-one K` then edits one document K times and times each
`portal build` after it (time to ready; build_edit.py), and checks the result against a clean build.
With several sizes it also prints the growth of the build time, and at the end the issue's targets
(N=10000 within 120 s, at most 0.5x the plain Material build, at most 11x from 1000 to 10000, no
HTML page over 150 KB, an edit of one document ready in at most 10 s) with PASS/FAIL.

The machine may be shared: before each timed build the script waits (`--wait-idle`) until other
processes are quiet, and it reports how much CPU they used during each build. The portal code is
snapshotted at start (`--no-snapshot` to use the working tree), so edits made while a long run is
going cannot mix two versions of the code in one set of figures.

`--profile PATH` additionally runs the portal build once under cProfile (not timed) for the
largest N and prints phases, time per package and the top functions (build_profile.py). Nothing in the project is
modified; all files live under a temporary folder (kept with `--keep`). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build_content import write_content
from build_edit import bench_edit_one
from build_measure import Timing, dir_bytes, display_width, pad, run_timed, site_stats, wait_until_idle
from build_profile import profile_portal

REPO = Path(__file__).resolve().parents[1]
PORTAL_CONFIG = "mkdocs.yml"
# What `portal build` runs from; copied into the work folder (see --no-snapshot) so that edits made
# to the working tree while a long benchmark runs cannot change the code between two timed builds.
CODE_PATHS = ["portal", "site_builder", "search_index", "mkdocs.yml"]  # what `portal build` imports and reads

TARGET_SECONDS_10K = 120.0
TARGET_RATIO = 0.5
TARGET_GROWTH = 11.0  # 1000 → 10000 documents
TARGET_MAX_HTML_KB = 150.0
TARGET_EDIT_ONE_SECONDS = 10.0
# A build counts as disturbed when other processes used more CPU than this share of its wall time.
NOISY_SHARE = 0.25


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



def time_builds(builds: dict[str, tuple[list[str], Path]], args, code_dir: Path, env: dict):
    """Each build `--repeat` times from an empty output folder, alternating the order; a build other
    processes disturbed is run again (up to `--retry-noisy`) and the least disturbed attempt counts."""
    runs: dict[str, list[Timing]] = {name: [] for name in builds}
    noisy_runs: dict[str, list[Timing]] = {name: [] for name in builds}
    for k in range(args.repeat):
        for which in (list(builds) if k % 2 == 0 else list(builds)[::-1]):
            cmd, folder = builds[which]
            attempts: list[Timing] = []
            for _ in range(1 + args.retry_noisy):
                shutil.rmtree(folder, ignore_errors=True)
                busy = wait_until_idle(args.wait_idle, args.idle_threshold) if args.wait_idle > 0 else None
                timing, _ = run_timed(cmd, code_dir, env)
                attempts.append(timing)
                noisy = timing.others > NOISY_SHARE * timing.wall
                print(f"  第 {k + 1}/{args.repeat} 次 {which:6s} 墙钟 {timing.wall:7.1f} 秒  CPU {timing.cpu:7.1f} 秒  "
                      f"峰值内存 {timing.peak_mb:5.0f} MB  期间其他进程 CPU {timing.others:6.1f} 秒"
                      + (f"（开始前其他进程占 {busy:.2f} 核）" if busy is not None else "")
                      + ("  ← 其他进程占用 CPU，墙钟时间偏高" if noisy else ""), flush=True)
                if not noisy:
                    break
            # keep the least disturbed attempt; all attempts go to the JSON
            best = min(attempts, key=lambda t: t.others / t.wall)
            runs[which].append(best)
            noisy_runs[which] += [t for t in attempts if t is not best]
    return runs, noisy_runs


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

    runs, noisy_runs = time_builds({"portal": (portal_cmd, out), "plain": (plain_cmd, plain_site)}, args, code_dir, env)

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
        "portal_peak_mb": max(t.peak_mb for t in runs["portal"]), "plain_peak_mb": max(t.peak_mb for t in runs["plain"]),
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
    if args.edit_one and n == max(args.sizes):
        result["edit_one"] = bench_edit_one(args.edit_one, content, out, portal_cmd, env, code_dir, args)
    if args.profile and n == max(args.sizes):
        profile_portal(portal_cmd, out, Path(args.profile), env, bin_dir, code_dir)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        result["workdir"] = None
    return result



def print_size(r: dict) -> None:
    n, p, b = r["n"], r["portal"], r["plain"]
    rows = [
        ("构建时间（秒，中位数）", f"{r['portal_seconds']:.1f}", f"{r['plain_seconds']:.1f}"),
        ("CPU 时间（秒，中位数）", f"{r['portal_cpu_seconds']:.1f}", f"{r['plain_cpu_seconds']:.1f}"),
        ("峰值内存（MB，各进程合计）", f"{r['portal_peak_mb']:.0f}", f"{r['plain_peak_mb']:.0f}"),
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


# --- targets ------------------------------------------------------------------------------------

def report(results: list[dict], note: str) -> list[tuple[str, bool | None, str]]:
    targets: list[tuple[str, bool | None, str]] = []
    by_n = {r["n"]: r for r in results}
    if len(results) > 1:
        print("\n增长（构建时间之比 / 文件数之比）：")
        ordered = sorted(results, key=lambda r: r["n"])
        for a, b in zip(ordered, ordered[1:], strict=False):
            print(f"  N {a['n']} → {b['n']}（{b['n'] / a['n']:.0f}x 文件）："
                  f"portal {b['portal_seconds'] / a['portal_seconds']:.2f}x"
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
        if "edit_one" in r:
            e = r["edit_one"]
            targets.append((f"N={r['n']}：编辑一篇后 ≤ {TARGET_EDIT_ONE_SECONDS:.0f} 秒就绪，且与全新构建逐字节相同",
                            e["seconds"] <= TARGET_EDIT_ONE_SECONDS and e["identical_to_clean_build"],
                            f"{e['seconds']:.1f} 秒（网站 {e['site_seconds']:.1f} 秒，检索索引 {e['index_seconds']:.1f} 秒），"
                            f"{'相同' if e['identical_to_clean_build'] else '不同'}"))
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


def baseline_search(search_lang: str, has_jieba: bool) -> tuple[str, str | None, str]:
    """The baseline's search language, separator and the note printed about it.

    Material 9.8 segments Chinese for search only if `jieba` is importable (a dev dependency of the
    project, for this baseline); lang: zh itself is accepted (lunr.zh exists) and builds without it.
    rjieba, which the portal's own search uses, is not what Material imports."""
    separator, note = None, ""
    if search_lang == "zh" and has_jieba:
        note = "普通 Material 基准使用 search lang: zh，并由 jieba 为搜索索引分词（Material 9.8 的中文搜索支持）。"
    elif search_lang == "zh":
        note = ("jieba 未安装：普通 Material 基准使用 search lang: zh，但构建时不做中文分词（Material 仅在可导入 jieba 时"
                "分词；rjieba 不是它导入的包）。装了 jieba 的基准会更慢，因此这里的比值对门户偏严。"
                "安装开发依赖（pip install -e '.[dev]'）即可得到 jieba。")
    else:
        separator = r"[\s\u200b\u3000\-、。，．？！；：“”（）《》]+"
        note = f"基准使用 search lang: {search_lang}，separator 适配中文标点。"
    return search_lang, separator, note


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
    parser.add_argument("--edit-one", type=int, nargs="?", const=3, default=0, metavar="K",
                        help="after timing the largest N, edit one document K times (default 3) and time each "
                             "rebuild to ready; then compare with a clean build")
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

    has_jieba = jieba_available(bin_dir)
    search_lang, separator, note = baseline_search(args.search_lang, has_jieba)
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

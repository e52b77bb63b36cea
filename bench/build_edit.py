"""`--edit-one` of the build benchmark: the time from an edit of one document to a build ready to
publish, starting from the complete build the timed runs left.

Each round changes one regulation in the middle of the corpus — its title (so every listing it
appears in changes too) and one article — and runs `portal build` into the same output folder.
At the end one clean build of the edited content (`--no-cache`, new folder) is compared with the
incremental result file by file: site, shells and registry must be byte-identical.
"""

from __future__ import annotations

import filecmp
import re
import statistics
from pathlib import Path

from build_measure import Timing, run_timed, wait_until_idle

SUMMARY = re.compile(r"网站 ([\d.]+) 秒、检索索引 ([\d.]+) 秒.*生成 (\d+) 个页面，沿用上次构建的 (\d+) 个")


def edited_document(content: Path) -> Path:
    regulations = sorted((content / "regulations").glob("*.md"))
    return regulations[len(regulations) // 2]


def edit(path: Path, round_: int) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^title: "(.*?)(（第\d+次编辑）)?"$', lambda m: f'title: "{m.group(1)}（第{round_}次编辑）"',
                  text, count=1, flags=re.M)
    text = re.sub(r"^(第二条　.*?)(本条第\d+次编辑。)?$", lambda m: f"{m.group(1)}本条第{round_}次编辑。",
                  text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def bench_edit_one(rounds: int, content: Path, out: Path, portal_cmd: list[str], env: dict, code_dir: Path,
                   args) -> dict:
    target = edited_document(content)
    print(f"\n编辑一篇后重新构建（{rounds} 次，每次改 {target.name} 的标题和第二条）：", flush=True)
    runs: list[tuple[Timing, tuple]] = []
    for n in range(1, rounds + 1):
        edit(target, n)
        if args.wait_idle > 0:
            wait_until_idle(args.wait_idle, args.idle_threshold)
        timing, proc = run_timed(portal_cmd, code_dir, env)
        parts = SUMMARY.search(proc.stdout)
        site_s, index_s, written, kept = (float(parts[1]), float(parts[2]), int(parts[3]), int(parts[4])) if parts \
            else (0.0, 0.0, 0, 0)
        runs.append((timing, (site_s, index_s, written, kept)))
        print(f"  第 {n} 次：就绪 {timing.wall:5.1f} 秒（网站 {site_s:.1f} 秒，检索索引 {index_s:.1f} 秒），"
              f"生成 {written} 个页面、沿用 {kept} 个，峰值内存 {timing.peak_mb:.0f} MB，"
              f"期间其他进程 CPU {timing.others:.1f} 秒", flush=True)
    clean = out.with_name(out.name + "-clean")
    run_timed([*_with_out(portal_cmd, clean), "--no-cache"], code_dir, env)
    differing = _differences(out, clean)
    print(f"  与全新构建（--no-cache）逐字节比较：{'相同' if not differing else '不同：' + '、'.join(differing[:5])}",
          flush=True)
    return {
        "rounds": rounds, "document": target.name,
        "seconds": round(statistics.median(t.wall for t, _ in runs), 2),
        "site_seconds": round(statistics.median(s[0] for _, s in runs), 2),
        "index_seconds": round(statistics.median(s[1] for _, s in runs), 2),
        "pages_written": [s[2] for _, s in runs], "pages_kept": [s[3] for _, s in runs],
        "peak_mb": max(t.peak_mb for t, _ in runs), "runs": [t.__dict__ for t, _ in runs],
        "identical_to_clean_build": not differing, "differences": differing[:20],
    }


def _with_out(cmd: list[str], out: Path) -> list[str]:
    cmd = list(cmd)
    cmd[cmd.index("--out") + 1] = str(out)
    return cmd


def _differences(a: Path, b: Path) -> list[str]:
    out: list[str] = []
    for name in ("site", "shells", "registry.json"):
        left, right = a / name, b / name
        if left.is_file():
            out += [] if filecmp.cmp(left, right, shallow=False) else [name]
            continue
        files_l = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
        files_r = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
        out += [f"{name}/{p}" for p in sorted(files_l ^ files_r)]
        out += [f"{name}/{p}" for p in sorted(files_l & files_r) if not filecmp.cmp(left / p, right / p, shallow=False)]
    return out

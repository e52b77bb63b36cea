"""Measuring builds on a shared machine: wall and CPU time of a subprocess, how busy the rest of the
machine was meanwhile, the peak memory of the whole process tree, and what the build wrote."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MEMORY_SAMPLE_SECONDS = 0.05


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
    peak_mb: float = 0.0  # largest sum of resident memory over the process and its children (sampled)


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
    child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _MemorySampler(child.pid)
    sampler.start()
    stdout, stderr = child.communicate()
    elapsed = time.perf_counter() - started
    sampler.stop()
    after_cpu = _cpu_jiffies()
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.CompletedProcess(cmd, child.returncode, stdout, stderr)
    if proc.returncode != 0:
        sys.stderr.write(f"\n命令失败（退出码 {proc.returncode}）：{' '.join(cmd)}\n"
                         f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n")
        raise SystemExit(2)
    cpu = (after_children.ru_utime - before_children.ru_utime) + (after_children.ru_stime - before_children.ru_stime)
    others = 0.0
    if before_cpu and after_cpu:
        others = max(0.0, (after_cpu[0] - before_cpu[0]) / ticks - cpu)
    return Timing(elapsed, cpu, others, round(sampler.peak_mb, 1)), proc


class _MemorySampler(threading.Thread):
    """Sums VmRSS over a process and all its descendants every 50 ms; keeps the largest sum."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mb = pid, 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_mb = max(self.peak_mb, sum(_rss_kb(p) for p in _tree(self.pid)) / 1024)
            self._done.wait(MEMORY_SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill

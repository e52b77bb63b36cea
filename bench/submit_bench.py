#!/usr/bin/env python3
"""Submissions benchmark: petitions over HTTP from 32 clients, the handler in-process, import times.

    .venv/bin/python bench/submit_bench.py
    .venv/bin/python bench/submit_bench.py --count 3000 --repeat 3 --what-if --profile --json /tmp/submit.json

What it does (all traffic stays on 127.0.0.1; every phase has a bounded count and a time limit):

1. builds the test fixture (`portal build --content tests/fixtures/content --today 2026-06-01`) into a
   temporary folder (or uses `--build-dir`);
2. HTTP: starts the local server (`portal serve --no-build`, i.e. uvicorn + the ASGI shim + the
   submissions Lambda handler) in a SUBPROCESS on a free port, with a fresh SQLite store. The rate
   limits are RAISED for the bench (every client is 127.0.0.1; see BENCH_RATE_LIMITS), and the output
   says so. Each of 32 client threads (one keep-alive `httpx.Client` each; `--client stdlib` uses
   http.client, which costs the client about a quarter of the CPU) first sends 2 untimed warm-up
   petitions; then all start together and send `--count` petitions in total, each with a fresh
   Idempotency-Key. Throughput counts 201 answers over the wall time of the timed phase; CPU time of
   the server process and of the client threads is reported per request. The server is then killed
   with SIGKILL (so only committed data can count) and the store is checked: every acknowledged
   reference must be there with the subject that was sent (lost = 0), the store must hold no petition
   that was not acknowledged, and each petition must have its audit event. In each repeat the same
   run is made against the reference app (bench/submit_reference.py: Starlette + Pydantic + SQLite
   FULL, one insert per request), the order alternating, and the summary gives the ratio of the two
   (target >= 0.5) beside the portal's p99 (target <= 50 ms); `--skip reference` leaves it out;
3. in-process: in a fresh interpreter per store, builds API Gateway HTTP API v2 events with
   `functions.local.asgi.to_event` and calls `functions.handlers.submissions.handler` in one thread
   for a fixed count, on SQLite (a temporary file, the shipped settings) and on moto (`mock_aws`,
   table created from infra/template.yaml by the contract tests' helper). Same rate-limit override.
   moto copies the whole table on every transaction, so its rate falls as the table grows: the count
   is part of the figure, and the time per call in the first tenth is printed too;
4. import time of each module in functions/handlers/ in a fresh interpreter (median of
   `--import-runs`), measured around the import statement, with the interpreter's own start-up
   reported separately, and `-X importtime` self time summed per top-level package.

Before every timed phase it waits (at most `--wait-idle` s) until other processes use fewer than
`--idle-threshold` cores and one SQLite commit with synchronous=FULL takes at most `--quiet-commit-ms`:
this 2-core machine is shared with other builds and tests, and the store's fsyncs are what other
jobs' disk writes slow down most. Both readings are printed with the figures they preceded.

`--repeat N` repeats 2 and 3 and reports medians (min–max). `--what-if` adds in-process SQLite runs
with settings the project does NOT ship, applied by monkeypatching inside the bench's own subprocess
(nothing in the project is modified), to size the suggestions in docs/performance.md. `--profile`
runs the in-process SQLite loop under cProfile (shipped settings, and once without fsyncs to show the
CPU part) and prints the hotspots; `--profile-server` adds one HTTP run with every server thread under
cProfile and prints its own time by area (waiting for the shim lock, epoll, sqlite3, h11, uvicorn …).
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "content"
TODAY = "2026-06-01"
BENCH_RATE_LIMITS = "burst=1000000/10,sustained=100000000/3600"
HANDLERS_DIR = REPO / "functions" / "handlers"
MOTO_TABLE = "portal-bench"

TARGET_HTTP_RATIO = 0.5         # portal's submissions/s over the reference app's, same run, 32 clients
TARGET_HTTP_P99_MS = 50.0
TARGET_LOST = 0
TARGET_INPROC_SQLITE = 1500.0   # submissions/s through the handler, one thread
TARGET_IMPORT_MS = 400.0

KINDS = ("suggestion", "appeal", "inquiry", "accusation")
SUBJECTS = ("关于小区停车难的建议", "反映村道路面破损问题", "咨询党员组织关系转接手续", "反映基层干部作风问题",
            "建议增设社区便民服务点", "对办事窗口服务态度的意见")
SENTENCES = ("小区周边停车位长期紧张，夜间车辆占用消防通道的情况时有发生。", "希望有关部门统筹规划，合理增设公共停车位。",
             "村里主干道去年雨季后多处塌陷，群众出行很不方便。", "请问在外地工作的党员如何办理组织关系转接，需要哪些材料？",
             "窗口工作人员办事拖沓，群众多次往返仍未办结。", "恳请上级部门核实情况并及时答复，谢谢。")


# --- payloads -----------------------------------------------------------------------------------

def petition(i: int, units: list[str], tag: str) -> dict:
    """A valid petition, varied by i; the subject carries a unique tag so the store check can match it."""
    kind = KINDS[i % len(KINDS)]
    body = "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(2 + i % 4))
    data = {"kind": kind, "unit": units[i % len(units)], "subject": f"{SUBJECTS[i % len(SUBJECTS)]}（{tag}-{i}）",
            "body": body, "contact": {"name": "李四", "mobile": f"139{i % 100_000_000:08d}"}}
    if kind == "accusation" and i % 8 == 3:
        data["contact"] = {}  # anonymous accusations are allowed
    return data


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def unit_codes(build_dir: Path) -> list[str]:
    return [u["code"] for u in json.loads((build_dir / "registry.json").read_text(encoding="utf-8"))["units"]]


# --- statistics and small helpers -----------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) jiffies from /proc/stat, or None off Linux."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def io_stall_us() -> int | None:
    """Microseconds in which some task waited for I/O (Linux PSI, /proc/pressure/io), or None."""
    try:
        first = Path("/proc/pressure/io").read_text().splitlines()[0]
        return int(first.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def io_stall_share(before: int | None, after: int | None, wall: float) -> float | None:
    """Share of the wall time (%) in which some task on the machine waited for the disk."""
    return None if before is None or after is None or wall <= 0 else 100 * (after - before) / 1e6 / wall


def busy_cores(interval: float = 1.0) -> float | None:
    """How many cores the machine keeps busy over `interval` (this script sleeps meanwhile)."""
    a = _cpu_jiffies()
    time.sleep(interval)
    b = _cpu_jiffies()
    return None if a is None or b is None else (b[0] - a[0]) / os.sysconf("SC_CLK_TCK") / interval


QUIET = {"max_wait": 120.0, "threshold": 0.3, "commit_ms": 1.0}


def commit_probe(commits: int = 40) -> float:
    """Median ms of one small SQLite commit in WAL mode with synchronous=FULL (the store's settings),
    in the temporary folder: the disk's fsync latency right now, which other jobs' I/O can raise."""
    import sqlite3

    with tempfile.TemporaryDirectory(prefix="submit-bench-fsync-") as name:
        conn = sqlite3.connect(Path(name) / "probe.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        times = []
        for i in range(commits):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?, ?)", (i, "x" * 600))
            conn.execute("COMMIT")
            times.append((time.perf_counter() - start) * 1000)
        conn.close()
    return statistics.median(times)


def wait_until_quiet() -> tuple[float | None, float]:
    """Before a timed phase: wait (at most QUIET["max_wait"] s) until other processes use fewer than
    QUIET["threshold"] cores AND a SQLite FULL commit takes at most QUIET["commit_ms"] (other jobs'
    disk writes slow every fsync). Returns the last readings, printed next to the figures."""
    deadline = time.monotonic() + QUIET["max_wait"]
    while True:
        busy = busy_cores()
        commit_ms = commit_probe()
        quiet = (busy is None or busy < QUIET["threshold"]) and commit_ms <= QUIET["commit_ms"]
        if quiet or time.monotonic() >= deadline:
            return busy, commit_ms
        time.sleep(3)


def base_env(tmp: Path, build_dir: Path, store_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(PORTAL_BUILD_DIR=str(build_dir), PORTAL_STORE=store_url, PORTAL_SECRET_KEY=secrets.token_hex(32),
               PORTAL_BLOBS=f"file:///{tmp / 'uploads'}", PORTAL_RATE_LIMITS=BENCH_RATE_LIMITS,
               PYTHONPATH=str(REPO))
    return env


def build_fixture(out: Path) -> None:
    cmd = [sys.executable, "-m", "portal.cli", "build", "--content", str(FIXTURE), "--today", TODAY, "--out", str(out)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"portal build failed:\n{done.stdout}\n{done.stderr}")


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (Linux), to see how busy the server was."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# --- store checks ---------------------------------------------------------------------------

@dataclass
class StoreCheck:
    acknowledged: int
    lost: int            # acknowledged (201) but not in the store
    wrong_data: int      # in the store, but not with the subject that was sent
    extra: int           # petitions in the store that were never acknowledged
    audit_missing: int   # petitions without their "submitted" audit event


def check_sqlite_store(db: Path, acknowledged: dict[str, str]) -> StoreCheck:
    """acknowledged: reference → subject sent. Reads through the Store, counts with plain SQL."""
    import sqlite3

    from functions.store.sqlite import SqliteStore

    store = SqliteStore(db)
    try:
        lost = wrong = 0
        for reference, subject in acknowledged.items():
            record = store.get("petition", reference)
            if record is None:
                lost += 1
            elif record.data.get("subject") != subject:
                wrong += 1
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        stored = {k for (k,) in conn.execute("SELECT key FROM records WHERE collection = 'petition'")}
        audited = {k for (k,) in conn.execute("SELECT DISTINCT key FROM audit WHERE collection = 'petition'")}
    return StoreCheck(len(acknowledged), lost, wrong, len(stored - set(acknowledged)), len(stored - audited))


# --- HTTP load ------------------------------------------------------------------------------

@dataclass
class Outcome:
    status: int | None
    seconds: float
    reference: str | None = None
    subject: str | None = None
    error: str | None = None


# `portal serve` with every thread under cProfile (the event loop and the shim's worker threads); the
# merged stats are written when uvicorn stops on SIGTERM. Only for --profile-server.
PROFILED_SERVER = """
import cProfile, pstats, signal, sys, threading
from pathlib import Path
profiles = []
def _start(*_):
    sys.setprofile(None)
    p = cProfile.Profile()
    profiles.append(p)
    p.enable()
threading.setprofile(_start)
# uvicorn re-raises SIGTERM after its graceful shutdown; with this no-op handler the process lives on to dump.
signal.signal(signal.SIGTERM, lambda *_: None)
main = cProfile.Profile()
main.enable()
from portal.server import serve
serve(Path(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]))
main.disable()
stats = pstats.Stats(main)
for p in profiles:
    try:
        stats.add(p)
    except TypeError:  # a thread that recorded nothing
        pass
stats.dump_stats(sys.argv[3])
"""


def start_server(build_dir: Path, env: dict[str, str], port: int, log: Path,
                 profile_to: Path | None = None, reference_db: Path | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "portal.cli", "serve", "--no-build", "--out", str(build_dir),
           "--host", "127.0.0.1", "--port", str(port)]
    if reference_db is not None:
        cmd = [sys.executable, str(REPO / "bench" / "submit_reference.py"), "--db", str(reference_db),
               "--port", str(port)]
    elif profile_to is not None:
        cmd = [sys.executable, "-c", PROFILED_SERVER, str(build_dir), str(port), str(profile_to)]
    with log.open("wb") as handle:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}")
        try:
            if httpx.get(base + "/", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not answer within the time limit")


class StdlibClient:
    """The same .post() as httpx.Client over http.client (keep-alive), to see what the client costs."""

    def __init__(self, base: str):
        from urllib.parse import urlsplit

        self._netloc = urlsplit(base).netloc
        self._conn = None

    def post(self, path: str, content: bytes, headers: dict[str, str]):
        import http.client

        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._netloc, timeout=30)
        try:
            self._conn.request("POST", path, body=content, headers=headers)
            raw = self._conn.getresponse()
            return _Reply(raw.status, raw.read())
        except (OSError, http.client.HTTPException):
            self._conn.close()
            self._conn = None
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._conn is not None:
            self._conn.close()


@dataclass
class _Reply:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


def post_one(client, payload: dict) -> Outcome:
    import http.client

    import httpx

    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    body = encode(payload)
    start = time.perf_counter()
    try:
        response = client.post("/api/petitions", content=body, headers=headers)
    except (httpx.HTTPError, OSError, http.client.HTTPException) as exc:
        return Outcome(None, time.perf_counter() - start, error=type(exc).__name__)
    elapsed = time.perf_counter() - start
    reference = response.json().get("reference") if response.status_code == 201 else None
    return Outcome(response.status_code, elapsed, reference, payload["subject"],
                   None if response.status_code == 201 else response.text[:200])


class LoadRun:
    """`clients` threads, each with its own keep-alive client, share one counter up to `count`."""

    def __init__(self, base: str, units: list[str], count: int, clients: int, warmup: int, max_seconds: float,
                 client_lib: str = "httpx"):
        self.base, self.units, self.count, self.clients = base, units, count, clients
        self.client_lib = client_lib
        self.warmup, self.max_seconds = warmup, max_seconds
        self.tag = uuid.uuid4().hex[:8]
        self._next = 0
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(clients + 1)
        self.timed: list[Outcome] = []
        self.warm: list[Outcome] = []
        self.deadline = 0.0

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= self.count or time.monotonic() > self.deadline:
                return None
            self._next += 1
            return self._next - 1

    def _worker(self, n: int) -> None:
        import httpx

        if self.client_lib == "httpx":
            client = httpx.Client(base_url=self.base, timeout=30.0, trust_env=False)
        else:
            client = StdlibClient(self.base)
        with client:
            warm = [post_one(client, petition(10_000_000 + n * 100 + k, self.units, self.tag))
                    for k in range(self.warmup)]
            mine: list[Outcome] = []
            self._barrier.wait()
            while (i := self._take()) is not None:
                mine.append(post_one(client, petition(i, self.units, self.tag)))
        with self._lock:
            self.warm += warm
            self.timed += mine

    def run(self, snapshot=lambda: None) -> tuple[float, object, object]:
        """Wall seconds of the timed phase, and snapshot() taken when it starts (after the warm-up) and ends."""
        threads = [threading.Thread(target=self._worker, args=(n,), daemon=True) for n in range(self.clients)]
        for t in threads:
            t.start()
        self.deadline = time.monotonic() + self.max_seconds + 120
        self._barrier.wait(timeout=120)
        self.deadline = time.monotonic() + self.max_seconds
        start, before = time.perf_counter(), snapshot()
        for t in threads:
            t.join(self.max_seconds + 60)
        return time.perf_counter() - start, before, snapshot()


def check_reference_store(db: Path, acknowledged: dict[str, str]) -> StoreCheck:
    """The reference's table after SIGKILL, counted like the portal's (it keeps no audit events)."""
    sys.path.insert(0, str(REPO / "bench"))
    from submit_reference import stored

    kept = stored(db)
    lost = sum(1 for reference in acknowledged if reference not in kept)
    wrong = sum(1 for reference, subject in acknowledged.items() if reference in kept and kept[reference] != subject)
    return StoreCheck(len(acknowledged), lost, wrong, len(set(kept) - set(acknowledged)), 0)


def http_run(build_dir: Path, count: int, clients: int, warmup: int, max_seconds: float,
             client_lib: str = "httpx", rate_limits: str = BENCH_RATE_LIMITS, profile_top: int = 0,
             reference: bool = False) -> dict:
    """One timed HTTP run against the portal (`portal serve`) or, with `reference`, the reference app."""
    with tempfile.TemporaryDirectory(prefix="submit-bench-http-") as name:
        tmp = Path(name)
        db = tmp / "portal.db"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = base_env(tmp, build_dir, f"sqlite:///{db}")
        env["PORTAL_RATE_LIMITS"] = rate_limits  # "" = no rules, so no rate-limit writes (what-if only)
        profile_to = tmp / "server.prof" if profile_top else None
        server = start_server(build_dir, env, port, tmp / "server.log", profile_to, db if reference else None)
        try:
            wait_ready(base, server)
            load = LoadRun(base, unit_codes(build_dir), count, clients, warmup, max_seconds, client_lib)
            others, fsync_ms = wait_until_quiet()
            pid = server.pid
            wall, before, after = load.run(
                lambda: (_cpu_jiffies(), proc_cpu_seconds(pid), resource.getrusage(resource.RUSAGE_SELF), io_stall_us()))
            (machine_before, cpu_before, self_before, io_before), (machine_after, cpu_after, self_after, io_after) = \
                before, after
        finally:
            if server.poll() is None:
                # Only committed data may count as stored; a profiled server stops gracefully to write its stats.
                server.send_signal(signal.SIGTERM if profile_to else signal.SIGKILL)
            server.wait(60)
        server_profile = server_report(profile_to, profile_top, len(load.timed) + len(load.warm)) \
            if profile_to and profile_to.exists() else None
        server_log = (tmp / "server.log").read_text(errors="replace")[-2000:]
        acknowledged = {o.reference: o.subject for o in load.timed + load.warm if o.status == 201}
        check = (check_reference_store if reference else check_sqlite_store)(db, acknowledged)
    result = summarize_http(load, wall, check, cpu_before, cpu_after, self_before, self_after, server_log)
    result["busy_cores_before"] = others
    result["commit_ms_before"] = fsync_ms
    result["client_lib"] = client_lib
    result["server_profile"] = server_profile
    result["stopped_with"] = "SIGTERM" if profile_to else "SIGKILL"
    result["app"] = "reference" if reference else "portal"
    own = (result["server_cpu_s"] or 0.0) + result["client_cpu_s"]
    result["others_cores_during"] = others_during(machine_before, machine_after, own, wall)
    result["io_stall_pct_during"] = io_stall_share(io_before, io_after, wall)
    return result


def server_report(path: Path, top: int, requests: int) -> str:
    """Own time of the profiled server summed per area (package or module), then the top functions."""
    import io
    import pstats

    stats = pstats.Stats(str(path))
    areas: dict[str, float] = {}
    for (file, _, name), (_, _, tottime, _, _) in stats.stats.items():
        areas[_area(file, name)] = areas.get(_area(file, name), 0.0) + tottime
    total = sum(areas.values())
    lines = [f"Server under cProfile (all threads, {requests} requests incl. warm-up): own time per request by area"]
    for area, seconds in sorted(areas.items(), key=lambda kv: -kv[1])[:16]:
        lines.append(f"  {area:<58} {1000 * seconds / requests:6.3f} ms  {100 * seconds / total:4.1f} %")
    buffer = io.StringIO()
    pstats.Stats(str(path), stream=buffer).strip_dirs().sort_stats("tottime").print_stats(top)
    body = buffer.getvalue()
    return "\n".join(lines + ["", "Top functions by own time:", body[body.find("   ncalls"):].rstrip()])


def _area(file: str, name: str) -> str:
    """'uvicorn', 'h11', 'functions.store' … or the builtin's name, for grouping profile entries."""
    if file == "~":
        if "sqlite3" in name:
            return "sqlite3 (C: statements, COMMIT/fsync)"
        if any(word in name for word in ("acquire", "wait", "select", "poll", "SimpleQueue")):
            return f"waiting: {name}"
        return "other builtins"
    path = file.replace(os.sep, "/")
    if path.endswith("functions/local/asgi.py") and name == "_invoke":
        # `with self._lock:` is not a call the profiler sees, so waiting for the lock lands here.
        return "waiting: LambdaShim lock (own time of asgi._invoke)"
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            parts = path.split(marker, 1)[1].split("/")
            return "/".join(parts[:2]) if parts[0] in ("functions", "aws_lambda_powertools") else parts[0]
    if str(REPO) in path:
        parts = Path(path).relative_to(REPO).parts
        return "/".join(parts[:2])
    return "stdlib " + Path(path).stem


def others_during(before, after, own_cpu_seconds: float, wall: float) -> float | None:
    """Cores that processes other than the bench's own kept busy during a timed phase."""
    if before is None or after is None or wall <= 0:
        return None
    machine = (after[0] - before[0]) / os.sysconf("SC_CLK_TCK")
    return max(0.0, (machine - own_cpu_seconds) / wall)


def summarize_http(load: LoadRun, wall: float, check: StoreCheck, cpu_before, cpu_after,
                   self_before, self_after, server_log: str) -> dict:
    ok = [o for o in load.timed if o.status == 201]
    errors: dict[str, int] = {}
    for o in load.timed + load.warm:
        if o.status != 201:
            label = str(o.status) if o.status is not None else o.error or "error"
            errors[label] = errors.get(label, 0) + 1
    latencies = [o.seconds * 1000 for o in load.timed] or [float("nan")]
    client_cpu = (self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime)
    server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return {
        "requested": load.count, "sent": len(load.timed), "ok": len(ok), "wall_s": wall,
        "rate": len(ok) / wall if wall else 0.0, "errors": errors,
        "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99), "max_ms": max(latencies), "mean_ms": statistics.fmean(latencies),
        "server_cpu_pct": 100 * server_cpu / wall if server_cpu is not None and wall else None,
        "client_cpu_pct": 100 * client_cpu / wall if wall else None,
        "server_cpu_s": server_cpu, "client_cpu_s": client_cpu,
        "server_cpu_ms_per_request": 1000 * server_cpu / len(load.timed) if server_cpu is not None and load.timed else None,
        "client_cpu_ms_per_request": 1000 * client_cpu / len(load.timed) if load.timed else None,
        "store": asdict(check), "example_error": next((o.error for o in load.timed if o.status != 201), None),
        "server_log_tail": server_log if errors else "", "server_log": server_log,
    }


# --- in-process (runs in a fresh interpreter: `submit_bench.py _inproc …`) --------------------------

def _apply_variant(variant: str) -> None:
    """Settings the project does not ship, for sizing suggestions only (this process only)."""
    if variant == "shipped":
        return
    if variant == "no-rate-limit":
        os.environ["PORTAL_RATE_LIMITS"] = ""  # no rules → no rate-limit reads or hits
        return
    from functions.store import sqlite as sqlite_store

    if variant == "all-sync-normal":
        # NOT durable on power loss: a 2xx could be lost. Only to show what the fsyncs cost.
        original_connect = sqlite_store.SqliteStore._connect

        def connect(self):
            c = original_connect(self)
            c.execute("PRAGMA synchronous=NORMAL")
            return c
        sqlite_store.SqliteStore._connect = connect
    else:
        raise SystemExit(f"unknown variant {variant!r}")


def _start_moto(tmp: Path):
    """mock_aws with the template's table; the store URL points at it."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_SECURITY_TOKEN": "testing",
                        "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1"}.items():
        os.environ[name] = value
    os.environ.pop("AWS_PROFILE", None)
    import boto3
    from moto import mock_aws

    sys.path.insert(0, str(REPO / "tests" / "contract"))
    from conftest import create_table_from_template  # the contract tests' helper: keys from template.yaml

    from functions.store.dynamodb import CLIENT_CONFIG

    mock = mock_aws()
    mock.start()
    create_table_from_template(boto3.client("dynamodb", config=CLIENT_CONFIG), MOTO_TABLE)
    os.environ["PORTAL_STORE"] = f"dynamodb://{MOTO_TABLE}"
    return mock


def _events(n: int, units: list[str], tag: str) -> list[tuple[dict, str]]:
    from functions.local.asgi import to_event

    out = []
    for i in range(n):
        payload = petition(i, units, tag)
        scope = {"type": "http", "method": "POST", "path": "/api/petitions", "query_string": b"",
                 "http_version": "1.1", "client": ("127.0.0.1", 40000 + i % 20000),
                 "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                             (b"idempotency-key", str(uuid.uuid4()).encode()), (b"user-agent", b"submit-bench")]}
        out.append((to_event(scope, encode(payload)), payload["subject"]))
    return out


def inproc_main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix=f"submit-bench-{args.store}-") as name:
        out = _inproc(args, Path(name))
    print("RESULT " + json.dumps(out, ensure_ascii=False))


def _inproc(args: argparse.Namespace, tmp: Path) -> dict:
    os.environ.update({k: v for k, v in base_env(tmp, args.build_dir, f"sqlite:///{tmp / 'portal.db'}").items()
                       if k.startswith("PORTAL_")})
    mock = _start_moto(tmp) if args.store == "moto" else None
    _apply_variant(args.variant)
    from functions import config
    from functions.handlers.submissions import handler
    from functions.local.asgi import LocalContext

    units = unit_codes(args.build_dir)
    tag = uuid.uuid4().hex[:8]
    for event, _ in _events(args.warmup, units, tag + "w"):
        handler(event, LocalContext("submissions", event["requestContext"]["requestId"]))
    events = _events(args.count, units, tag)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    latencies, acknowledged, failures = [], {}, {}
    start = time.perf_counter()
    for event, subject in events:
        t0 = time.perf_counter()
        result = handler(event, LocalContext("submissions", event["requestContext"]["requestId"]))
        latencies.append((time.perf_counter() - t0) * 1000)
        if result["statusCode"] == 201:
            acknowledged[json.loads(result["body"])["reference"]] = subject
        else:
            failures[str(result["statusCode"])] = failures.get(str(result["statusCode"]), 0) + 1
    wall = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
    store = config.context().store
    lost = sum(1 for ref in acknowledged if store.get("petition", ref) is None)
    wrong = sum(1 for ref, subject in acknowledged.items()
                if (r := store.get("petition", ref)) is not None and r.data.get("subject") != subject)
    out = {"store": args.store, "variant": args.variant, "count": args.count, "ok": len(acknowledged),
           "errors": failures, "wall_s": wall, "rate": len(acknowledged) / wall,
           "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "lost": lost, "wrong_data": wrong,
           # Does a call get slower as the store fills up? Median of the first and of the last tenth.
           "first_tenth_p50_ms": percentile(latencies[:max(1, len(latencies) // 10)], 50),
           "last_tenth_p50_ms": percentile(latencies[-max(1, len(latencies) // 10):], 50)}
    if profiler is not None:
        out["profile"] = profile_report(profiler, args.count, args.profile)
    if mock is not None:
        mock.stop()
    store = config.context().store
    if hasattr(store, "close"):  # SQLite: let the temporary folder go
        store.close()
    return out


def profile_report(profiler, count: int, top: int) -> str:
    import io
    import pstats

    stats = pstats.Stats(profiler)

    def cum(file_suffix: str, name: str) -> float:
        """Cumulative seconds of a function (the largest entry if the name occurs more than once)."""
        found = [ct for (f, _, n), (_, _, _, ct, _) in stats.stats.items()
                 if n == name and (f.replace(os.sep, "/").endswith(file_suffix) or f == "~")]
        return max(found, default=0.0)

    handler = cum("functions/handlers/submissions.py", "handler")
    resolve = cum("aws_lambda_powertools/event_handler/api_gateway.py", "resolve")
    route = cum("functions/routes/submissions.py", "create_petition")
    execute = sum(tt for (f, _, n), (_, _, tt, _, _) in stats.stats.items()
                  if f == "~" and n == "<method 'execute' of 'sqlite3.Connection' objects>")
    commits = cum("functions/store/sqlite_commit.py", "_commit")
    rows = [("handler, total", handler),
            ("guard.precheck_rate (reads the rate-limit counts; the insert counts them)",
             cum("functions/guard.py", "precheck_rate")),
            ("Powertools resolve, total", resolve),
            ("  of which routing + OpenAPI validation + response (resolve - route)", resolve - route),
            ("  route create_petition", route),
            ("    idempotency lookup before the insert (previous_result)",
             cum("functions/services/idempotency.py", "previous_result")),
            ("    idempotency claim (HKDF + AES-GCM of the receipt)", cum("functions/services/idempotency.py", "claim")),
            ("    SqliteStore.insert (1 write transaction, rate-limit hits included)",
             cum("functions/store/sqlite.py", "insert")),
            ("sqlite3 execute, all statements (BEGIN/COMMIT with fsync included)", execute),
            ("  of which group commits (COMMIT + fsync, 1 per submission in one thread)", commits)]
    lines = [f"cProfile of the in-process SQLite loop: {count} submissions, {1000 * handler / count:.2f} ms each "
             "under the profiler", "", "Where the time goes (cumulative ms per submission):"]
    lines += [f"  {label:<78} {1000 * seconds / count:7.3f}" for label, seconds in rows]
    for key, title in (("tottime", "Top functions by own time"), ("cumulative", "Top functions by cumulative time")):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(key).print_stats(top)
        body = buffer.getvalue()
        lines += ["", title + ":", body[body.find("   ncalls"):].rstrip()]
    return "\n".join(lines)


def inproc_run(build_dir: Path, store: str, count: int, variant: str = "shipped", profile: int = 0,
               timeout: float = 600.0) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "_inproc", "--store", store, "--count", str(count),
           "--build-dir", str(build_dir), "--variant", variant, "--profile", str(profile)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO)
    others, fsync_ms = wait_until_quiet()
    children_before, machine_before, io_before = resource.getrusage(resource.RUSAGE_CHILDREN), _cpu_jiffies(), io_stall_us()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    children_after, machine_after, io_after = resource.getrusage(resource.RUSAGE_CHILDREN), _cpu_jiffies(), io_stall_us()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"in-process run ({store}, {variant}) failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    result = json.loads(line.removeprefix("RESULT "))
    child_cpu = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    # Over the whole subprocess (start-up and checks included), not just the timed loop.
    result["others_cores_during"] = others_during(machine_before, machine_after, child_cpu, elapsed)
    result["io_stall_pct_during"] = io_stall_share(io_before, io_after, elapsed)
    result["busy_cores_before"] = others
    result["commit_ms_before"] = fsync_ms
    return result


# --- import time ----------------------------------------------------------------------------

def _python_wall(code: str, env: dict[str, str], extra: list[str] = ()) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *extra, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"python -c {code!r} failed: {done.stderr[-2000:]}")
    return wall, done


def import_times(runs: int) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "AWS_")) and k not in ("PYTHONPROFILEIMPORTTIME",)}
    env["PYTHONPATH"] = str(REPO)
    others, _ = wait_until_quiet()
    modules = sorted(f"functions.handlers.{f.stem}" for f in HANDLERS_DIR.glob("*.py") if f.stem != "__init__")
    codes = {m: f"import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)" for m in modules}
    for code in codes.values():
        _python_wall(code, env)  # untimed: make sure byte code is compiled
    inner: dict[str, list[float]] = {m: [] for m in modules}
    wall: dict[str, list[float]] = {m: [] for m in modules}
    startup: list[float] = []
    for _ in range(runs):  # round robin, so that a noisy moment hurts every module alike
        startup.append(_python_wall("pass", env)[0] * 1000)
        for module, code in codes.items():
            seconds, done = _python_wall(code, env)
            wall[module].append(seconds * 1000)
            inner[module].append(float(done.stdout.strip().splitlines()[-1]) * 1000)
    result = {"startup_ms": statistics.median(startup), "modules": {}, "busy_cores_before": others}
    for module in modules:
        _, traced = _python_wall(f"import {module}", env, ["-X", "importtime"])
        result["modules"][module] = {"import_ms": statistics.median(inner[module]), "import_min_ms": min(inner[module]),
                                     "import_max_ms": max(inner[module]), "process_ms": statistics.median(wall[module]),
                                     "top_level": top_imports(traced.stderr)}
    return result


def top_imports(trace: str, n: int = 8) -> list[tuple[str, float]]:
    """Where an import spends its time: `-X importtime` self times summed per top-level package (ms)."""
    totals: dict[str, float] = {}
    for line in trace.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        root = name.strip().split(".")[0]
        totals[root] = totals.get(root, 0.0) + int(self_us) / 1000
    return sorted(totals.items(), key=lambda r: -r[1])[:n]


# --- report ---------------------------------------------------------------------------------

def fmt(value, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("MET" if ok else "MISSED")


def spread(runs: list[dict], key: str, unit: str, digits: int = 0) -> str:
    """'median' or 'median (min–max)' of one figure over the runs."""
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return "n/a"
    text = fmt(statistics.median(values), unit, digits)
    if len(values) > 1:
        text += f" ({fmt(min(values), '', digits)}–{fmt(max(values), '', digits)})"
    return text


def summary_rows(http: list[dict], sqlite: list[dict], moto: list[dict], imports: dict | None,
                 reference: list[dict] = ()) -> list[tuple]:
    rows = []
    if http:
        p99 = median([r["p99_ms"] for r in http])
        lost = max(r["store"]["lost"] + r["store"]["wrong_data"] for r in http)
        errors = max(sum(r["errors"].values()) for r in http)
        rows.append(("HTTP throughput, 32 clients: portal", spread(http, "rate", " /s"), "", ""))
        if reference:
            ratios = [{"ratio": p["rate"] / r["rate"]} for p, r in zip(http, reference, strict=False) if r["rate"]]
            ref_lost = max(r["store"]["lost"] + r["store"]["wrong_data"] for r in reference)
            rows += [("HTTP throughput: reference app, same runs", spread(reference, "rate", " /s"), "", ""),
                     ("  reference p99 / lost (worst run)",
                      f"{spread(reference, 'p99_ms', ' ms', 1)} / {ref_lost}", "", ""),
                     ("portal / reference (median of the runs' ratios)", spread(ratios, "ratio", "", 2),
                      f">= {TARGET_HTTP_RATIO:.1f}", verdict(median([r["ratio"] for r in ratios]) >= TARGET_HTTP_RATIO))]
        rows += [("HTTP latency p50", spread(http, "p50_ms", " ms", 1), "", ""),
                 ("HTTP latency p99", spread(http, "p99_ms", " ms", 1), f"<= {TARGET_HTTP_P99_MS:.0f} ms",
                  verdict(p99 <= TARGET_HTTP_P99_MS)),
                 ("HTTP errors (non-201), worst run", str(errors), "0", verdict(errors == 0)),
                 ("lost acknowledged submissions, worst run", str(lost), "0", verdict(lost == TARGET_LOST)),
                 ("unacknowledged extras in store, worst run", str(max(r["store"]["extra"] for r in http)), "0",
                  verdict(max(r["store"]["extra"] for r in http) == 0))]
    if sqlite:
        rate = median([r["rate"] for r in sqlite])
        rows.append(("in-process handler, SQLite", spread(sqlite, "rate", " /s"), f">= {TARGET_INPROC_SQLITE:,.0f} /s",
                     verdict(rate >= TARGET_INPROC_SQLITE)))
    if moto:
        rows.append((f"in-process handler, moto DynamoDB ({moto[0]['count']})", spread(moto, "rate", " /s"), "(none)", ""))
        rows.append(("  moto, ms per call in the first tenth", spread(moto, "first_tenth_p50_ms", " ms", 1), "", ""))
    probes = [r for r in http + sqlite + moto if r.get("commit_ms_before") is not None]
    if probes:
        rows.append(("context: one SQLite FULL commit before runs", spread(probes, "commit_ms_before", " ms", 2), "", ""))
    if imports:
        rows.append(("interpreter start-up (python -c pass)", fmt(imports["startup_ms"], " ms"), "", ""))
        for module, m in imports["modules"].items():
            rows.append((f"import {module}", fmt(m["import_ms"], " ms"), f"<= {TARGET_IMPORT_MS:.0f} ms",
                         verdict(m["import_ms"] <= TARGET_IMPORT_MS)))
    return rows


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(r[i]) for r in rows + [("metric", "measured (median)", "target", "result")]) for i in range(4)]
    header = ("metric", "measured (median)", "target", "result")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def print_http(i: int, r: dict) -> None:
    s = r["store"]
    print(f"  HTTP run {i} ({r.get('app', 'portal')}): {r['ok']}/{r['sent']} × 201 in {r['wall_s']:.2f} s = {r['rate']:.0f}/s; "
          f"p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms; "
          f"errors {r['errors'] or 0}")
    # Little's law: requests in flight on average = throughput × mean latency (32 if no client ever idles).
    print(f"             mean latency {r['mean_ms']:.1f} ms, i.e. {r['mean_ms'] / 1000 * r['sent'] / r['wall_s']:.1f} "
          f"requests in flight on average")
    print(f"             before the run: machine busy {fmt(r['busy_cores_before'], ' cores', 2)}, "
          f"one SQLite FULL commit {fmt(r['commit_ms_before'], ' ms', 2)}; during the run other processes "
          f"used {fmt(r['others_cores_during'], ' cores', 2)}, some task waited for the disk "
          f"{fmt(r['io_stall_pct_during'], ' % of the time')}")
    print(f"             CPU: server process {fmt(r['server_cpu_pct'], '%')} of one core "
          f"({fmt(r['server_cpu_ms_per_request'], ' ms', 2)} per request), client threads "
          f"{fmt(r['client_cpu_pct'], '%')} ({fmt(r['client_cpu_ms_per_request'], ' ms', 2)} per request)")
    print(f"             store after {r.get('stopped_with', 'SIGKILL')}: {s['acknowledged']} acknowledged "
          f"(incl. warm-up), lost {s['lost']}, "
          f"wrong data {s['wrong_data']}, extra {s['extra']}, without audit event {s['audit_missing']}")
    if r["example_error"]:
        print(f"             first error: {r['example_error']}")
    if r["server_log_tail"]:
        print("             server log tail:\n" + r["server_log_tail"])


def print_inproc(label: str, i: int, r: dict) -> None:
    print(f"  {label} run {i}: {r['ok']}/{r['count']} × 201 in {r['wall_s']:.2f} s = {r['rate']:.0f}/s; "
          f"p50 {r['p50_ms']:.2f} ms (first tenth {r['first_tenth_p50_ms']:.2f}, last tenth {r['last_tenth_p50_ms']:.2f}), "
          f"p99 {r['p99_ms']:.2f} ms; errors {r['errors'] or 0}; "
          f"lost {r['lost']}, wrong data {r['wrong_data']}\n"
          f"             before the run: machine busy {fmt(r['busy_cores_before'], ' cores', 2)}, "
          f"one SQLite FULL commit {fmt(r['commit_ms_before'], ' ms', 2)}; during the run other processes "
          f"used {fmt(r['others_cores_during'], ' cores', 2)}, some task waited for the disk "
          f"{fmt(r['io_stall_pct_during'], ' % of the time')}")


# --- main -----------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["_inproc"]:
        p = argparse.ArgumentParser(prog="submit_bench.py _inproc")
        p.add_argument("--store", choices=["sqlite", "moto"], required=True)
        p.add_argument("--count", type=int, required=True)
        p.add_argument("--build-dir", type=Path, required=True)
        p.add_argument("--variant", default="shipped")
        p.add_argument("--profile", type=int, default=0, help="print this many top functions (0 = no profile)")
        p.add_argument("--warmup", type=int, default=20)
        ns = p.parse_args(argv[1:])
        ns.mode = "_inproc"
        return ns
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=3000, help="petitions over HTTP per run (default 3000)")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--client", choices=["httpx", "stdlib"], default="httpx",
                   help="HTTP client of the 32 threads: httpx.Client (default) or http.client (less client CPU)")
    p.add_argument("--warmup", type=int, default=2, help="untimed petitions per client before the timed phase")
    p.add_argument("--max-seconds", type=float, default=300.0, help="stop sending after this long (per HTTP run)")
    p.add_argument("--inproc-count", type=int, default=2000, help="submissions per in-process SQLite run")
    p.add_argument("--moto-count", type=int, default=300,
                   help="submissions per in-process moto run (moto slows down as its table grows, see the docs)")
    p.add_argument("--import-runs", type=int, default=7)
    p.add_argument("--repeat", type=int, default=1, help="repeat HTTP and in-process runs; medians are reported")
    p.add_argument("--build-dir", type=Path, help="an existing build of the fixture (default: build one)")
    p.add_argument("--skip", action="append", default=[], choices=["http", "reference", "sqlite", "moto", "import"])
    p.add_argument("--what-if", action="store_true", help="also run in-process SQLite with unshipped settings")
    p.add_argument("--profile", action="store_true", help="cProfile the in-process SQLite loop and print hotspots")
    p.add_argument("--profile-server", action="store_true",
                   help="one more HTTP run with every server thread under cProfile (slower; for the hotspots only)")
    p.add_argument("--wait-idle", type=float, default=120.0, metavar="SECONDS",
                   help="before each timed phase wait up to this long for the machine to go quiet (0: don't)")
    p.add_argument("--idle-threshold", type=float, default=0.3, metavar="CORES",
                   help="'quiet' means fewer busy cores than this (default 0.3)")
    p.add_argument("--quiet-commit-ms", type=float, default=1.0, metavar="MS",
                   help="'quiet' also means a SQLite FULL commit takes at most this long (default 1.0)")
    p.add_argument("--json", type=Path, help="write all results here")
    ns = p.parse_args(argv)
    ns.mode = "main"
    return ns


def run_all(args: argparse.Namespace, build_dir: Path) -> dict:
    results = {"http": [], "reference": [], "sqlite": [], "moto": [], "imports": None, "what_if": {}, "profile": None}
    for i in range(1, args.repeat + 1):
        if "http" not in args.skip:
            # Portal and reference back to back, the order alternating, so both meet the same machine.
            apps = ["portal", "reference"] if "reference" not in args.skip else ["portal"]
            for app in apps if i % 2 else apps[::-1]:
                run = http_run(build_dir, args.count, args.clients, args.warmup, args.max_seconds, args.client,
                               reference=app == "reference")
                results["http" if app == "portal" else "reference"].append(run)
                print_http(i, run)
        if "sqlite" not in args.skip:
            results["sqlite"].append(inproc_run(build_dir, "sqlite", args.inproc_count))
            print_inproc("in-process SQLite", i, results["sqlite"][-1])
        if "moto" not in args.skip:
            results["moto"].append(inproc_run(build_dir, "moto", args.moto_count))
            print_inproc("in-process moto", i, results["moto"][-1])
    if "import" not in args.skip:
        results["imports"] = import_times(args.import_runs)
        print(f"  interpreter start-up (python -c pass): {results['imports']['startup_ms']:.0f} ms; "
              f"busy before: {fmt(results['imports']['busy_cores_before'], ' cores', 2)}")
        for module, m in results["imports"]["modules"].items():
            top = ", ".join(f"{name} {ms:.0f}" for name, ms in m["top_level"][:6])
            print(f"  import {module}: median {m['import_ms']:.0f} ms (min {m['import_min_ms']:.0f}, "
                  f"max {m['import_max_ms']:.0f}; whole process {m['process_ms']:.0f} ms); import time by "
                  f"package (self ms, -X importtime): {top}")
    if args.what_if:
        print("  what-if (NOT the shipped settings; monkeypatched in the bench's subprocess only):")
        if "http" not in args.skip:
            runs = results["what_if"]["http-no-rate-limit"] = []
            for i in range(1, args.repeat + 1):
                runs.append(http_run(build_dir, args.count, args.clients, args.warmup, args.max_seconds,
                                     args.client, rate_limits=""))
                print("  [HTTP, no-rate-limit: PORTAL_RATE_LIMITS=\"\" in the server's environment]")
                print_http(i, runs[-1])
        for variant in ("no-rate-limit", "all-sync-normal"):
            r = inproc_run(build_dir, "sqlite", args.inproc_count, variant)
            results["what_if"][variant] = r
            print_inproc(f"  SQLite [{variant}]", 1, r)
    if args.profile_server:
        r = http_run(build_dir, args.count, args.clients, args.warmup, args.max_seconds, args.client, profile_top=30)
        results["server_profile"] = r
        print("\n[profile: HTTP run with the server under cProfile — figures inflated by the profiler]")
        print_http(1, r)
        print(r["server_profile"] or "(no profile written)")
    if args.profile:
        results["profile"] = {}
        for variant, title in (("shipped", "shipped settings"),
                               ("all-sync-normal", "CPU only: what-if all-sync-normal, i.e. without fsyncs")):
            r = inproc_run(build_dir, "sqlite", min(args.inproc_count, 1000), variant, profile=30)
            results["profile"][variant] = r["profile"]
            print(f"\n[profile: {title}]\n" + r["profile"])
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.mode == "_inproc":
        inproc_main(args)
        return 0
    QUIET.update(max_wait=args.wait_idle, threshold=args.idle_threshold, commit_ms=args.quiet_commit_ms)
    print(f"Submissions benchmark — {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load_average()} at start")
    print(f"Rate limits RAISED for the bench (all clients are 127.0.0.1): PORTAL_RATE_LIMITS={BENCH_RATE_LIMITS}")
    print(f"HTTP: {args.clients} client threads ({args.client}, keep-alive), {args.count} petitions per run "
          f"(+{args.warmup} warm-up each), portal and reference app alternately; "
          f"in-process: {args.inproc_count} on SQLite, {args.moto_count} on moto; repeat {args.repeat}\n")
    with tempfile.TemporaryDirectory(prefix="submit-bench-build-") as name:
        build_dir = args.build_dir.resolve() if args.build_dir else Path(name) / "build"
        if not args.build_dir:
            build_fixture(build_dir)
        results = run_all(args, build_dir)
    print(f"\nSummary (load average {load_average()} at the end):")
    rows = summary_rows(results["http"], results["sqlite"], results["moto"], results["imports"], results["reference"])
    print_table(rows)
    if args.json:
        results["summary"] = rows
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r[3] != "MISSED" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Staff lists at province scale: 100,000 cases over a synthetic network of ~2,300 units.

    .venv/bin/python bench/queue_bench.py                    # 100,000 cases, SQLite and DynamoDB (moto)
    .venv/bin/python bench/queue_bench.py --cases 20000 --repeat 9 --no-dynamodb

The network is province → 12 cities → ~170 counties → ~2,000 towns (codes like the real ones). Cases
are spread over every unit (most at towns and counties), in every stage, with deadlines around the
bench's "today" so that some are overdue and some due soon; they are written exactly as the portal
writes them (functions.services.case_store: the record, its first step, its listings, its counters).

For the province, a city and a county it measures what the review pages do:
  - the first and the next page of the queue (全部, 50 rows),
  - the dashboard (counts per stage and row, overdue and due soon, this month's topics),
  - an export (the province's 已受理 cases, about 10,000 rows; the city's and county's whole queue),
on SQLite as wall time (median of --repeat), and on DynamoDB as the number of requests each makes
(moto; the table from infra/template.yaml). Beside each queue figure: its target (≤ 50 ms, ≤ 3
requests) and a reference from the same run — a bare SQL query of the same 50 index rows, and the
requests the old unit-by-unit read needed (one query per unit of the subtree at least).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from functions.blobs.local import LocalBlobStore  # noqa: E402
from functions.domain.access import Role  # noqa: E402
from functions.domain.case import COLLECTION, Case, ContactDetails, PetitionKind, Stage, Step  # noqa: E402
from functions.domain.time_limits import Limit  # noqa: E402
from functions.services import case_store, casework, exports  # noqa: E402
from functions.services.accounts import Staff  # noqa: E402
from functions.services.context import PortalContext  # noqa: E402
from functions.services.dashboard import dashboard  # noqa: E402
from functions.store.protocol import AuditEvent, Store  # noqa: E402
from site_builder.models import Unit, UnitLevel  # noqa: E402
from site_builder.org import OrgTree  # noqa: E402
from site_builder.registry import Registry  # noqa: E402

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.timezone.utc)
CITY_NAMES = ["石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊", "衡水", "雄安"]
TOPICS = ["道路维修", "路灯照明", "低保评定", "党费公开", "拆迁补偿", "供暖费用", "学校扩建", "垃圾清运", "医保报销", "公交线路"]
STAGES = [(Stage.registered, 20), (Stage.accepted, 10), (Stage.assigned, 15), (Stage.in_progress, 20),
          (Stage.returned, 2), (Stage.replied, 8), (Stage.review, 2), (Stage.closed, 20), (Stage.not_accepted, 3)]
TARGET_MS, TARGET_REQUESTS = 50, 3


def network(rng: random.Random) -> list[Unit]:
    """河北省, 12 cities (雄安 with 3 counties, the others 15), 11–13 towns per county: about 2,200 units."""
    units = [Unit(code="130000", name="河北省", organ="中共河北省委", level=UnitLevel.province)]
    for c, city in enumerate(CITY_NAMES, start=1):
        city_code = f"13{c:02d}00"
        units.append(Unit(code=city_code, name=f"{city}市", organ=f"中共{city}市委", level=UnitLevel.city,
                          parent="130000"))
        for k in range(1, 16 if c < 12 else 4):
            county_code = f"13{c:02d}{k:02d}"
            units.append(Unit(code=county_code, name=f"{city}第{k}县", organ=f"中共{city}第{k}县委",
                              level=UnitLevel.county, parent=city_code))
            for t in range(1, rng.randint(11, 13) + 1):
                units.append(Unit(code=f"{county_code}{t:03d}", name=f"{city}第{k}县第{t}镇",
                                  organ=f"中共{city}第{k}县第{t}镇委", level=UnitLevel.town, parent=county_code))
    return units


def make_case(i: int, unit: str, rng: random.Random) -> Case:
    stage = rng.choices([s for s, _ in STAGES], [w for _, w in STAGES])[0]
    received = NOW - dt.timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 1440))
    topic = rng.choice(TOPICS)
    deadlines: dict[Limit, dt.date] = {}
    closed_on = None
    if stage in (Stage.closed, Stage.not_accepted):
        closed_on = TODAY - dt.timedelta(days=rng.randint(0, 150))
    else:
        deadlines[Limit.handle] = TODAY + dt.timedelta(days=rng.randint(-20, 60))
    return Case(reference=f"XF{i:07d}", query_code_hash="0" * 64, kind=rng.choice(list(PetitionKind)), stage=stage,
                unit=unit, handling_unit=unit, subject=f"关于{topic}的问题", received=received,
                body=f"我们村{topic}的问题已经反映多次，希望有关部门尽快研究解决，给群众一个答复。" * 3,
                contact=ContactDetails(name="张三", mobile="13800138000"), deadlines=deadlines, closed_on=closed_on,
                steps=[Step(action="registered", label="登记", stage=Stage.registered, unit=unit, at=received)])


def spread(units: list[Unit], n: int, rng: random.Random) -> list[str]:
    """Where n cases are handled: towns 60 %, counties 30 %, cities 8 %, the province 2 %."""
    by_level = {level: [u.code for u in units if u.level is level] for level in UnitLevel}
    weights = {UnitLevel.town: 60, UnitLevel.county: 30, UnitLevel.city: 8, UnitLevel.province: 2}
    levels = rng.choices(list(weights), list(weights.values()), k=n)
    return [rng.choice(by_level[level]) for level in levels]


def context(store: Store, registry: Registry, blobs: Path) -> PortalContext:
    ctx = PortalContext(store=store, registry=registry, secret_key=b"k" * 32, blobs=LocalBlobStore(blobs, b"k" * 32),
                        clock=lambda: NOW)
    return ctx


def load_sqlite(ctx: PortalContext, cases: list[Case]) -> float:
    """Every case through Store.insert, as a submission writes it. synchronous=OFF while loading only."""
    ctx.store._group.pragma("PRAGMA synchronous=OFF")  # noqa: SLF001 - the bench's own loading speed
    start = time.perf_counter()
    for case in cases:
        record, parts, counters = case_store.first_write(ctx, case, case.received)
        ctx.store.insert(record, audit=AuditEvent(COLLECTION, case.reference, case.received, "public", "submitted",
                                                  case.handling_unit), parts=parts, counters=counters)
    ctx.store._group.pragma("PRAGMA synchronous=FULL")  # noqa: SLF001
    return time.perf_counter() - start


def load_dynamodb(table: str, ctx: PortalContext, cases: list[Case]) -> None:
    """The items the measured pages read — list entries and counters — as the adapter builds them,
    put straight into moto's table (through the API, 100,000 moto transactions would each copy the
    whole table: the load would not end). Counters are summed first and written once per shard."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from functions.store.dynamodb import DynamoStore
    from functions.store.dynamodb_items import shard

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["cn-north-1"]
    store: DynamoStore = ctx.store  # type: ignore[assignment]
    totals: dict[tuple[str, int], Counter] = {}
    for case in cases:
        record, _, counters = case_store.first_write(ctx, case, case.received)
        for op in store.items.entries(record, 1):  # the adapter's own item layout
            backend.put_item(table, op["Put"]["Item"])
        for inc in counters:
            totals.setdefault((inc.scope, shard(record.key)), Counter())[inc.name] += inc.delta
    for (scope, n), names in totals.items():
        item = {"PK": {"S": f"C#{scope}#{n:02d}"}, "SK": {"S": "N"}}
        item.update({f"n:{name}": {"N": str(n)} for name, n in names.items()})
        backend.put_item(table, item)


class Counting:
    """A boto3 client that counts the requests made through it."""

    def __init__(self, client: Any):
        self._client, self.calls = client, Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            self.calls[name] += 1
            return attr(*args, **kwargs)
        return call


def median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def scenarios(ctx: PortalContext, unit: str) -> dict[str, Any]:
    staff = Staff("bench", "基准", unit, Role.approver)
    first_token: list[str | None] = [None]

    def first():
        rows, first_token[0] = casework.queue_rows(ctx, staff, "all", None, None)
        assert rows

    def second():
        casework.queue_rows(ctx, staff, "all", None, None, first_token[0])

    stage = "accepted" if unit == "130000" else None
    return {"queue page 1": first, "queue page 2": second, "dashboard": lambda: dashboard(ctx, staff, TODAY),
            "export": lambda: exports.export_cases(ctx, staff, "all", None, stage)}


def sql_floor(path: Path, unit: str, level: int, repeat: int) -> float:
    """A bare query of the same 50 queue rows from the entries index: the floor the page is measured against."""
    conn = sqlite3.connect(path)
    sql = (f"SELECT key, summary FROM entries WHERE collection = 'petition' AND listing = 'queue' AND a{level} = ? "
           "ORDER BY position LIMIT 51")
    result = median_ms(lambda: conn.execute(sql, (unit,)).fetchall(), repeat)
    conn.close()
    return result


def run_sqlite(args, registry: Registry, cases: list[Case], work: Path, levels: dict[str, str]) -> dict:
    from functions.store.sqlite import SqliteStore

    org = OrgTree(registry.units)
    ctx = context(SqliteStore(work / "bench.db", tree=org), registry, work / "blobs")
    print(f"SQLite: loading {len(cases):,} cases …", flush=True)
    print(f"  loaded in {load_sqlite(ctx, cases):.1f} s", flush=True)
    results = {}
    for level, unit in levels.items():
        runs = scenarios(ctx, unit)
        row = {name: median_ms(run, args.repeat if name != "export" else max(1, args.repeat // 3))
               for name, run in runs.items()}
        row["floor"] = sql_floor(work / "bench.db", unit, len(org.path(unit)) - 1, args.repeat)
        row["export rows"] = exports.export_cases(ctx, Staff("bench", "基准", unit, Role.approver), "all", None,
                                                  "accepted" if unit == "130000" else None).rows
        row["units"] = len(org.subtree(unit))
        results[level] = row
    ctx.store.close()
    return results


def run_dynamodb(registry: Registry, cases: list[Case], work: Path, levels: dict[str, str]) -> dict:
    import os

    import boto3
    from moto import mock_aws

    from functions.store.dynamodb import CLIENT_CONFIG, DynamoStore
    from tests.contract.conftest import TABLE_NAME, create_table_from_template

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="cn-north-1")
    results = {}
    with mock_aws():
        raw = boto3.client("dynamodb", config=CLIENT_CONFIG)
        create_table_from_template(raw)
        counting = Counting(raw)
        ctx = context(DynamoStore(TABLE_NAME, client=counting, tree=OrgTree(registry.units)), registry, work / "blobs2")
        print(f"DynamoDB (moto): loading the list entries and counters of {len(cases):,} cases …", flush=True)
        start = time.perf_counter()
        load_dynamodb(TABLE_NAME, ctx, cases)
        print(f"  loaded in {time.perf_counter() - start:.1f} s", flush=True)
        for level, unit in levels.items():
            row = {}
            for name, run in scenarios(ctx, unit).items():
                counting.calls.clear()
                run()
                row[name] = sum(counting.calls.values())
                row[f"{name} calls"] = dict(counting.calls)
            results[level] = row
    return results


def report(sqlite: dict, dynamo: dict | None, levels: dict[str, str], names: dict[str, str]) -> bool:
    ok = True
    print("\nSQLite, milliseconds (median):")
    print(f"{'level':8} {'unit':16} {'units':>6} {'page 1':>8} {'page 2':>8} {'SQL floor':>9} {'target':>7}"
          f" {'dashboard':>10} {'export':>8} {'rows':>7}")
    for level, unit in levels.items():
        r = sqlite[level]
        ok &= r["queue page 1"] <= TARGET_MS and r["queue page 2"] <= TARGET_MS
        print(f"{level:8} {names[unit]:16} {r['units']:>6} {r['queue page 1']:>8.1f} {r['queue page 2']:>8.1f}"
              f" {r['floor']:>9.2f} {TARGET_MS:>7} {r['dashboard']:>10.1f} {r['export']:>8.0f} {r['export rows']:>7}")
    if dynamo:
        print("\nDynamoDB (moto), requests:")
        print(f"{'level':8} {'page 1':>7} {'page 2':>7} {'target':>7} {'unit by unit':>13} {'dashboard':>10} {'export':>7}")
        for level in levels:
            r = dynamo[level]
            ok &= r["queue page 1"] <= TARGET_REQUESTS and r["queue page 2"] <= TARGET_REQUESTS
            print(f"{level:8} {r['queue page 1']:>7} {r['queue page 2']:>7} {TARGET_REQUESTS:>7}"
                  f" {sqlite[level]['units']:>13} {r['dashboard']:>10} {r['export']:>7}")
        for level in levels:
            print(f"  {level}: dashboard {dynamo[level]['dashboard calls']}, export {dynamo[level]['export calls']}")
    print(f"\nqueue page ≤ {TARGET_MS} ms on SQLite and ≤ {TARGET_REQUESTS} DynamoDB requests at every level:",
          "PASS" if ok else "FAIL")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-dynamodb", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    units = network(rng)
    registry = Registry(built=TODAY, units=units, surveys={}, consultations={})
    org = OrgTree(units)
    counts = Counter(u.level for u in units)
    print(f"network: {len(units):,} units ({counts[UnitLevel.city]} cities, {counts[UnitLevel.county]} counties, "
          f"{counts[UnitLevel.town]:,} towns); {args.cases:,} cases", flush=True)
    homes = spread(units, args.cases, rng)
    cases = [make_case(i, unit, rng) for i, unit in enumerate(homes)]
    levels = {"province": "130000", "city": "130100", "county": "130101"}
    names = {code: org[code].name for code in levels.values()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sqlite = run_sqlite(args, registry, cases, work, levels)
        dynamo = None if args.no_dynamodb else run_dynamodb(registry, cases, work, levels)
    return 0 if report(sqlite, dynamo, levels, names) else 1


if __name__ == "__main__":
    sys.exit(main())

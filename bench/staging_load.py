"""Load test against a real DynamoDB table — what moto cannot show (it serialises transactions, has no
partitions, no capacity and no network): throttling, TransactionConflict between concurrent writers,
hot partitions of a popular survey, latency under load. Point it at a STAGING stack's table only:

    AWS_PROFILE=staging .venv/bin/python bench/staging_load.py --table party-portal-staging-Table-1AB2 \\
        --region cn-north-1 --survey-rate 100 --seconds 60 --workers 64 --i-am-on-staging

Three runs, each through the portal's own services and DynamoDB adapter (standard retries):

1. survey: a 15-question survey of six-option multiple choice answered `--survey-rate` times a second
   (every option chosen, with a respondent unit: the largest write an answer makes) for `--seconds`;
   afterwards the counters must equal the answers that got a 2xx, exactly.
2. cases: `--cases` petitions, then every one accepted by `--workers` staff at once, two staff per case
   racing for each: one wins, the other gets the conflict message, none gets an error.
3. session: one staff session used by `--workers` requests at once after a minute idle: all go on.

It prints, per run, the answers sent and stored, latency (p50, p99, max), 503s (StoreUnavailable after
the adapter's retries), and what DynamoDB pushed back with on each attempt (throttling, TransactionConflict)
as seen in botocore's retry hook. Everything is written under a run id (survey `load-<run>`, references
`XFLOAD…`); the table keeps it (it is retained like production data) — use a table you can delete.
Targets: no 503 and exact counters at 100 answers/s to one survey; p99 under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from functions.domain import codes  # noqa: E402
from functions.domain.access import Role  # noqa: E402
from functions.domain.errors import ConflictError  # noqa: E402
from functions.domain.petitions import PetitionIn  # noqa: E402
from functions.domain.submissions import SurveyResponseIn  # noqa: E402
from functions.domain.transitions import ActionInput  # noqa: E402
from functions.services import accounts, casework, petitions, submissions, surveys  # noqa: E402
from functions.services.accounts import Staff  # noqa: E402
from functions.services.context import PortalContext  # noqa: E402
from functions.store.protocol import StoreUnavailable  # noqa: E402
from site_builder.models import Survey, Unit, UnitLevel  # noqa: E402
from site_builder.org import OrgTree  # noqa: E402
from site_builder.registry import Registry  # noqa: E402

UNITS = [Unit(code="130000", name="河北省", organ="中共河北省委", level=UnitLevel.province),
         Unit(code="130100", name="石家庄市", organ="中共石家庄市委", level=UnitLevel.city, parent="130000"),
         Unit(code="130123", name="正定县", organ="中共正定县委", level=UnitLevel.county, parent="130100")]
OPTIONS = [f"选项{i}" for i in range(1, 7)]


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)

    def timed(self, action) -> None:
        start = time.perf_counter()
        try:
            action()
            self.outcomes["ok"] += 1
        except StoreUnavailable:
            self.outcomes["503"] += 1
        except ConflictError:
            self.outcomes["409"] += 1
        except Exception as exc:  # noqa: BLE001 - reported, never hidden
            self.outcomes[f"error {type(exc).__name__}"] += 1
        self.latencies.append(time.perf_counter() - start)

    def report(self, pushback: Counter) -> None:
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(f"{self.name}: {dict(self.outcomes)}; latency p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, "
              f"max {ms[-1]:.0f} ms; DynamoDB pushed back: {dict(pushback) or 'never'}")


class Pushback:
    """Counts the error codes of every attempt botocore makes (its retries included)."""

    def __init__(self, client: Any):
        self.codes: Counter = Counter()
        self._lock = threading.Lock()
        client.meta.events.register("needs-retry.dynamodb", self)

    def __call__(self, response=None, caught_exception=None, **_: Any) -> None:
        code = type(caught_exception).__name__ if caught_exception else \
            (response[1].get("Error", {}).get("Code") if response and response[1] else None)
        if code:
            with self._lock:
                self.codes[code] += 1
        for reason in (response[1].get("CancellationReasons", []) if response and response[1] else []):
            if reason.get("Code") not in (None, "None"):
                with self._lock:
                    self.codes[f"cancelled: {reason['Code']}"] += 1

    def take(self) -> Counter:
        with self._lock:
            taken, self.codes = self.codes, Counter()
        return taken


def paced(rate: float, seconds: float, workers: int, action) -> None:
    """Start `action(i)` round(rate × seconds) times, `rate` a second, on `workers` threads."""
    with ThreadPoolExecutor(workers) as pool:
        start = time.monotonic()
        for i in range(round(rate * seconds)):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            pool.submit(action, i)


def survey_run(ctx: PortalContext, survey_id: str, rate: float, seconds: float, workers: int) -> Run:
    run = Run(f"survey ({rate:g}/s for {seconds:g} s)")
    answers = {f"q{q}": OPTIONS for q in range(1, 16)}

    def answer(i: int) -> None:
        token = codes.new_respondent_token(ctx.secret_key, survey_id, ctx.clock())
        response = SurveyResponseIn(respondent_token=token, unit="130123", answers=answers)
        run.timed(lambda: submissions.submit_survey_response(ctx, survey_id, response, f"load-{i % 1000}"))

    paced(rate, seconds, workers, answer)
    counts = surveys.counters_of(ctx, survey_id, ctx.registry.surveys[survey_id])
    exact = counts.get("#responses", 0) == run.outcomes["ok"] and all(
        counts.get(f"q{q}={o}", 0) == run.outcomes["ok"] for q in range(1, 16) for o in OPTIONS)
    print(f"survey counters {'equal' if exact else 'DIFFER FROM'} the {run.outcomes['ok']} stored answers")
    return run


def case_run(ctx: PortalContext, cases: int, workers: int) -> Run:
    run = Run(f"cases ({cases} accepted by two staff each at once)")
    references = [petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": "130100", "subject": f"压力测试 {i}", "body": "压力测试用的信访内容，请忽略。",
         "contact": {"name": "测试", "mobile": "13800138000"}})).reference for i in range(cases)]
    staff = Staff("load_approver", "压测审核员", "130100", Role.approver)

    def accept(i: int) -> None:
        reference = references[i // 2]
        version = ctx.store.get("petition", reference).version
        run.timed(lambda: casework.act(ctx, staff, reference, "accept", version, ActionInput()))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(accept, range(2 * cases)))
    return run


def session_run(ctx: PortalContext, workers: int, run_id: str) -> Run:
    run = Run(f"session ({workers} requests of one session at once)")
    password = secrets.token_urlsafe(12)
    accounts.add_staff(ctx.store, f"load_{run_id}", "压测", "130100", Role.approver, password, "load", ctx.clock())
    token, _ = accounts.login(ctx, f"load_{run_id}", password, "load")
    later = ctx.clock() + dt.timedelta(minutes=2)
    ctx.clock = lambda: later
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: run.timed(lambda: accounts.session_for(ctx, token)), range(workers)))
    return run


def main(argv: list[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True)
    parser.add_argument("--region", default=None)
    parser.add_argument("--survey-rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--i-am-on-staging", action="store_true", help="required: this writes to the table")
    args = parser.parse_args(argv)
    if not args.i_am_on_staging:
        parser.error("this writes thousands of items: point it at a staging table and add --i-am-on-staging")
    import boto3

    from functions.store.dynamodb import CLIENT_CONFIG, DynamoStore

    client = client or boto3.client("dynamodb", region_name=args.region, config=CLIENT_CONFIG)
    pushback = Pushback(client)
    run_id = secrets.token_hex(4)
    survey_id = f"load-{run_id}"
    survey = Survey.model_validate({"title": "压力测试调查", "unit": "130000", "opens": dt.date(2000, 1, 1),
                                    "closes": dt.date(2100, 1, 1), "questions": [
                                        {"id": f"q{q}", "text": f"第{q}题", "type": "multiple", "options": OPTIONS}
                                        for q in range(1, 16)]})
    registry = Registry(built=dt.date.today(), units=UNITS, surveys={survey_id: survey}, consultations={})
    ctx = PortalContext(store=DynamoStore(args.table, client=client, tree=OrgTree(UNITS)), registry=registry,
                        secret_key=secrets.token_bytes(32))
    print(f"run {run_id} on table {args.table}", flush=True)
    results = [survey_run(ctx, survey_id, args.survey_rate, args.seconds, args.workers)]
    results[-1].report(pushback.take())
    results.append(case_run(ctx, args.cases, args.workers))
    results[-1].report(pushback.take())
    results.append(session_run(ctx, args.workers, run_id))
    results[-1].report(pushback.take())
    failed = any(k.startswith("error") or k == "503" for r in results for k in r.outcomes)
    print("no 503 and no error" if not failed else "SOME REQUESTS FAILED (see above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

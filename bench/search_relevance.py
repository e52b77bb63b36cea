"""Relevance of the judged sets (tests/contract/search_support.py) on every engine:
`python bench/search_relevance.py`. Prints, per engine and judged set, the number of queries, the
mean and lowest nDCG@10, and recall (queries whose judged documents are all among the first 50
hits), then every query below 1.0. The floors are asserted in tests/contract/test_search_engines.py;
this prints the figures for docs/performance.md."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "contract")]

from search_support import ENGINES, JUDGED_FIXTURE, JUDGED_SAMPLE, SAMPLE, ndcg_at_10, write_fixture_content  # noqa: E402

from search_index.engine import open_engine  # noqa: E402
from search_index.indexer import build_index  # noqa: E402
from search_index.request import parse_request  # noqa: E402
from site_builder.loader import load_content  # noqa: E402

TODAY = dt.date(2026, 6, 1)  # the day the judged sets were written for


def urls(engine, query: str, size: int) -> list[str]:
    return [hit.url for hit in engine.search(parse_request({"q": query, "size": str(size)})).hits]


def measure(engine, judged: dict[str, dict[str, int]]) -> tuple[list[float], int, list[str]]:
    scores, complete, below = [], 0, []
    for query, grades in judged.items():
        score = ndcg_at_10(urls(engine, query, 10), grades)
        scores.append(score)
        complete += set(grades) <= set(urls(engine, query, 50))
        if score < 1:
            below.append(f"{query} {score:.3f}")
    return scores, complete, below


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"fixture": (load_content(write_fixture_content(Path(tmp) / "fixture"), TODAY), JUDGED_FIXTURE),
                "sample": (load_content(SAMPLE, TODAY), JUDGED_SAMPLE)}
        print(f"{'engine':8} {'set':8} {'queries':>7} {'nDCG@10 mean':>12} {'min':>6} {'recall':>9}")
        for name in ENGINES:
            for label, (content, judged) in sets.items():
                folder = Path(tmp) / f"{name}-{label}"
                build_index(content, folder, engine=name)
                scores, complete, below = measure(open_engine(folder), judged)
                print(f"{name:8} {label:8} {len(scores):7} {sum(scores) / len(scores):12.3f} {min(scores):6.3f} "
                      f"{complete:4}/{len(judged):<4}" + (f"  below 1: {', '.join(below)}" if below else ""))


if __name__ == "__main__":
    main()

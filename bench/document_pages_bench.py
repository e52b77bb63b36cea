"""What decorating document pages costs: version chain, notices, citation links, article anchors and
the page key's citation part, beside Python-Markdown rendering the same bodies (the reference), in
the same run, over the build benchmark's synthetic content.

    .venv/bin/python bench/document_pages_bench.py 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_content import write_content  # noqa: E402

from site_builder.loader import load_content  # noqa: E402
from site_builder.pages import document  # noqa: E402

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260601)
    args = parser.parse_args()
    today = dt.date(2026, 6, 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        write_content(root, args.n, args.seed, today)
        content = load_content(root, today=today)
    docs = list(content.documents.values())
    md = markdown.Markdown(extensions=EXTENSIONS)
    bodies = {}
    reference, portal = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for doc in docs:
            bodies[doc.path] = md.reset().convert(doc.body)
        reference.append(time.perf_counter() - started)
        document._INDEX[:] = [None, None]  # the citation index is built once per build: count it
        started = time.perf_counter()
        for doc in docs:
            document.document_head(content, doc)
            document.body_inputs(content, doc)
            document.document_body(content, doc, bodies[doc.path])
        portal.append(time.perf_counter() - started)
    ref, dec = statistics.median(reference), statistics.median(portal)
    linked = sum(html.count("portal-citation") for html in
                 (document.document_body(content, d, bodies[d.path]) for d in docs))
    print(f"{len(docs)} documents, {linked} citation links; medians of {args.repeat}")
    print(f"Python-Markdown bodies (reference): {ref:.2f} s, {1000 * ref / len(docs):.3f} ms/document")
    print(f"document decoration (portal):       {dec:.2f} s, {1000 * dec / len(docs):.3f} ms/document")
    print(f"ratio decoration / Markdown: {dec / ref:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The reference for bench/submit_bench.py: the plainest stack that takes a petition over HTTP.

Starlette + Pydantic + SQLite (WAL, synchronous=FULL), one uvicorn worker, one INSERT committed per
request, the 201 sent after that commit. Nothing else: no idempotency, no rate limits, no audit, no
listings, no query code. It answers the same JSON the bench sends to the portal, so both are loaded by
the same client code in the same run and compared as a ratio.

    .venv/bin/python bench/submit_reference.py --db /tmp/ref.db --port 8765
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


class Contact(BaseModel):
    name: str | None = Field(default=None, max_length=50)
    mobile: str | None = Field(default=None, pattern=r"^1\d{10}$")


class Petition(BaseModel):
    kind: Literal["suggestion", "appeal", "inquiry", "accusation"]
    unit: str = Field(min_length=1, max_length=20)
    subject: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=5000)
    contact: Contact = Contact()


SCHEMA = "CREATE TABLE IF NOT EXISTS petitions (reference TEXT PRIMARY KEY, subject TEXT NOT NULL, data TEXT NOT NULL)"


def create_app(db: Path) -> Starlette:
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(db, isolation_level=None, timeout=10)
            local.conn.execute("PRAGMA synchronous=FULL")
        return local.conn

    setup = sqlite3.connect(db, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute(SCHEMA)
    setup.close()

    def insert(reference: str, petition: Petition) -> None:
        connection().execute("INSERT INTO petitions VALUES (?, ?, ?)",
                             (reference, petition.subject, petition.model_dump_json()))

    async def submit(request: Request):
        try:
            petition = Petition.model_validate_json(await request.body())
        except ValidationError:
            return JSONResponse({"message": "invalid"}, status_code=422)
        reference = uuid.uuid4().hex
        await run_in_threadpool(insert, reference, petition)
        return JSONResponse({"reference": reference}, status_code=201)

    async def index(request: Request):
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/api/petitions", submit, methods=["POST"]), Route("/", index)])


def stored(db: Path) -> dict[str, str]:
    """reference → subject of every committed petition (read after the server was killed)."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT reference, subject FROM petitions"))
    finally:
        conn.close()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.db), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

"""The server is killed (SIGKILL) while 32 people are sending petitions. It is started again and each
person's browser sends again what was not answered, with the same key. Every petition that was
acknowledged is stored exactly once, with what was sent; nothing unacknowledged is stored twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from functions.domain.case import COLLECTION
from functions.store.sqlite import SqliteStore
from tests.conftest import ROOT
from tests.integration.conftest import free_port, wait_until_serving

CLIENTS = 32
PER_CLIENT = 6  # petitions each client means to send


def _server(build_dir: Path, db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(PORTAL_BUILD_DIR=str(build_dir), PORTAL_STORE=f"sqlite:///{db}", PORTAL_SECRET_KEY="5e" * 32,
               PORTAL_BLOBS=f"file:///{db.parent / 'uploads'}",
               PORTAL_RATE_LIMITS="burst=100000/10,sustained=1000000/3600")
    cmd = [sys.executable, "-m", "portal.cli", "serve", "--no-build", "--out", str(build_dir),
           "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _petition(client: int, n: int) -> dict:
    return {"kind": "suggestion", "unit": "130100", "subject": f"第{client}位群众的第{n}条建议",
            "body": "建议在社区服务中心增设夜间办事窗口，方便上班族办理业务。",
            "contact": {"name": "王五", "mobile": "13700137000"}}


class Person:
    """One citizen's browser: sends its petitions in turn, keeps the key of each until it is answered."""

    def __init__(self, number: int):
        self.number = number
        self.pending = [(str(uuid.uuid4()), _petition(number, n)) for n in range(PER_CLIENT)]
        self.acknowledged: dict[str, tuple[str, str]] = {}  # key → (reference, subject)
        self.refused: list[str] = []  # answers other than "created" or "busy, try again"

    def send(self, base: str, stop: threading.Event) -> None:
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
            while self.pending and not stop.is_set():
                key, body = self.pending[0]
                try:
                    answer = client.post("/api/petitions", json=body, headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    return  # the server went away: try again after the restart, with the same key
                if answer.status_code == 201:
                    self.acknowledged[key] = (answer.json()["reference"], body["subject"])
                    self.pending.pop(0)
                elif answer.status_code not in (429, 503):
                    self.refused.append(f"{answer.status_code} {answer.text}")
                    return


def _run_all(people: list[Person], base: str, stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=p.send, args=(base, stop), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    return threads


def test_a_server_killed_under_load_loses_no_acknowledged_petition_and_stores_none_twice(built_fixture, tmp_path):
    db, log = tmp_path / "portal.db", tmp_path / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    people = [Person(n) for n in range(CLIENTS)]
    server = _server(built_fixture, db, port, log)
    try:
        wait_until_serving(base, server, lambda: log.read_text(errors="replace"))
        stop = threading.Event()
        threads = _run_all(people, base, stop)
        deadline = time.monotonic() + 30
        while sum(len(p.acknowledged) for p in people) < CLIENTS and time.monotonic() < deadline:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
        server.wait(10)
        for thread in threads:
            thread.join(15)
        before_restart = sum(len(p.acknowledged) for p in people)
        assert 0 < before_restart < CLIENTS * PER_CLIENT, "the kill should fall in the middle of the load"

        server = _server(built_fixture, db, port, log)
        wait_until_serving(base, server, lambda: log.read_text(errors="replace"))
        for thread in _run_all(people, base, threading.Event()):
            thread.join(60)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)

    refused = [answer for p in people for answer in p.refused]
    assert refused == [], log.read_text(errors="replace")[-4000:]
    assert all(not p.pending for p in people), "every petition is answered after the restart"
    acknowledged = {key: ack for p in people for key, ack in p.acknowledged.items()}
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    references = [reference for reference, _ in acknowledged.values()]
    assert len(set(references)) == len(references), "one key, one petition"
    store = SqliteStore(db)
    try:
        for reference, subject in acknowledged.values():
            record = store.get(COLLECTION, reference)
            assert record is not None and record.data["subject"] == subject
        subjects = [r.data["subject"] for r in _every_case(store, db)]
    finally:
        store.close()
    assert sorted(subjects) == sorted(s for _, s in acknowledged.values()), "nothing stored twice or unasked"


def _every_case(store: SqliteStore, db: Path):
    import sqlite3

    with sqlite3.connect(db) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM records WHERE collection = ?", (COLLECTION,))]
    return [store.get(COLLECTION, k) for k in keys]

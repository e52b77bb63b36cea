"""Group commit for the SQLite Store: the writes of many threads share one transaction and one fsync.

With synchronous=FULL every COMMIT in WAL mode waits for one fsync of the log, and SQLite allows one
writer at a time, so committing each write on its own caps a process at one write per fsync. Here
one connection does every write of the process:

1. a thread takes the write lock, opens the transaction if none is open (BEGIN IMMEDIATE), runs its
   statements inside a SAVEPOINT and releases it (or rolls back to it if they raised: its own writes
   are undone, the batch's others stay), joins the current batch and lets go of the lock;
2. it then waits until its batch is committed. The first member to get there commits it: it takes
   the write lock (so every write that finished before is in), starts a new batch for the writes that
   come later, and runs COMMIT, one fsync for the whole batch;
3. only then does `write()` return (or raise what the thread's statements raised): a caller answers
   after its data is durable, never before. If COMMIT fails nothing of the batch was written, and
   every member gets StoreUnavailable (a 503: try again).

While one batch is being fsynced the next one fills up, so under load a batch holds about as many
writes as arrive during one fsync; alone, a write commits at once, as before. A thread's statements
see the uncommitted writes of earlier members of its batch (one serial order, as if each had committed
at once), and an error it raises from what it saw (the key is taken, a replay) is reported only after
that batch committed. Other processes (the command line) still write through SQLite's own lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator

from functions.store.protocol import StoreUnavailable


class _Batch:
    __slots__ = ("done", "failed")

    def __init__(self) -> None:
        self.done = False
        self.failed: str | None = None  # the commit's error class, if it failed


class GroupCommit:
    """The one write connection of a SqliteStore and the batches committed through it."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]):
        self._connect = connect
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()             # one thread at a time runs statements on the connection
        self._state = threading.Condition()       # guards _batch handover and _committing
        self._batch = _Batch()
        self._committing = False

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        failure: BaseException | None = None
        with self._lock:
            conn = self._connection()
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            batch = self._batch
            conn.execute("SAVEPOINT write")
            try:
                yield conn
            except BaseException as exc:  # undo this write only; the batch's others stay
                failure = exc
                self._undo(conn, batch)
            else:
                conn.execute("RELEASE write")
        self._wait_committed(batch)
        if failure is not None:
            raise failure

    def _undo(self, conn: sqlite3.Connection, batch: _Batch) -> None:
        try:
            conn.execute("ROLLBACK TO write")
            conn.execute("RELEASE write")
        except sqlite3.Error as exc:  # cannot undo this write alone: the whole batch fails, nothing stays
            batch.failed = type(exc).__name__
            self._batch = _Batch()
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _wait_committed(self, batch: _Batch) -> None:
        with self._state:
            while not batch.done and self._committing:
                self._state.wait()
            if not batch.done:
                self._committing = True
        if not batch.done:
            try:
                self._commit(batch)
            finally:
                with self._state:
                    self._committing = False
                    batch.done = True
                    self._state.notify_all()
        if batch.failed is not None:
            raise StoreUnavailable(batch.failed)

    def _commit(self, batch: _Batch) -> None:
        with self._lock:
            if self._batch is batch:  # (a batch that failed in _undo was replaced already)
                self._batch = _Batch()  # writes from now on go into the next transaction
            conn = self._connection()
            try:
                if batch.failed is None and conn.in_transaction:
                    conn.execute("COMMIT")
            except BaseException as exc:  # disk full, I/O error …: nothing of the batch was written
                batch.failed = type(exc).__name__
                if conn.in_transaction:
                    conn.execute("ROLLBACK")

    def pragma(self, statement: str) -> None:
        """Run a PRAGMA on the write connection between transactions (the benches' bulk loads)."""
        with self._lock:
            self._connection().execute(statement)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

"""The rate-limit hits of the request being handled, when the write it makes counts them.

Every public write counts against its address's limits (functions/guard.py). A request at a door
that stores a new submission does not count them on its own: the guard only reads the counts (a
request already over a limit is refused without writing anything) and leaves the hits here; the
submission's insert (services/idempotency.py) then counts them in its own transaction, and is
refused with them if the address went past a limit meanwhile. So a petition costs one commit, not
three, and the limit holds exactly even for requests that arrive at once. A request that ends
without that insert (a replay, a refused form, a conflict) has its hits counted after it was answered
(`finish`); a refused one is not counted.

The hits live in a context variable: one value per request, whichever thread handles it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass

from functions.domain.errors import RateLimited
from functions.store.protocol import RateHit


@dataclass
class _Pending:
    hits: tuple[RateHit, ...]
    settled: bool = False


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("rate_hits", default=None)


def window_of(now: dt.datetime, seconds: int) -> tuple[dt.datetime, dt.datetime]:
    """The fixed window of `seconds` that `now` lies in, and when its counter may be forgotten."""
    start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, dt.timezone.utc)
    return start, start + dt.timedelta(seconds=2 * seconds)


def refused(hit: RateHit, now: dt.datetime) -> RateLimited:
    """The 429 for a request past `hit`'s limit, with the seconds until its window ends."""
    seconds = int((hit.expires_at - hit.window_start).total_seconds()) // 2
    retry = max(1, int(hit.window_start.timestamp()) + seconds - int(now.timestamp()))
    return RateLimited(f"提交过于频繁，请 {retry} 秒后再试（已填写的内容不会丢失）", retry_after=retry)


def defer(hits: tuple[RateHit, ...]) -> contextvars.Token[_Pending | None]:
    """Leave this request's hits for its insert to count; `finish` with the token when it is answered."""
    return _pending.set(_Pending(hits))


def pending() -> tuple[RateHit, ...]:
    """The hits the current request's insert should count (none outside a deferred request)."""
    state = _pending.get()
    return () if state is None or state.settled else state.hits


def settled() -> None:
    """The insert counted the hits (or refused the request for them): nothing is left to count."""
    state = _pending.get()
    if state is not None:
        state.settled = True


def finish(token: contextvars.Token[_Pending | None]) -> tuple[RateHit, ...]:
    """End the request: the hits no insert took, which the caller still has to count."""
    state = _pending.get()
    _pending.reset(token)
    return () if state is None or state.settled else state.hits

"""Staff accounts and their sessions.

- Passwords: argon2id (argon2-cffi defaults). Unknown user and wrong password get the same answer
  and take about as long (a dummy hash is verified for unknown users).
- Sessions: a random token in an HttpOnly, SameSite=Strict cookie; only its SHA-256 is stored. A new
  token at every login (rotation). Idle timeout 30 minutes, absolute 12 hours. Every account has a
  `generation`: disabling it or resetting its password bumps the generation, which ends all of its
  sessions at once; logout revokes the one session.
- Throttling: only failed logins count. Five failures of one account from one address lock that
  pair for 15 minutes (the real user, elsewhere, still signs in); 30 failures from one address lock
  that address; 100 failures of one account within an hour, from anywhere, slow everyone down on it
  for the rest of the hour (the back-off that makes a distributed guess expensive).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from functions.domain.access import STAFF_ROLES, Role
from functions.domain.errors import AuthenticationFailed, ConflictError, InvalidSubmission, NotFoundError, RateLimited
from functions.store.protocol import AlreadyExists, AuditEvent, CounterIncrement, Listing, Record, Store, VersionConflict

from .context import PortalContext

STAFF, SESSION = "staff", "session"
ACCOUNTS = "accounts"  # the listing of staff accounts, by user name (never with the password hash)
IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)  # write last_seen at most once a minute
# Failed attempts allowed per window (seconds), by what is counted.
LOGIN_LIMITS = (("pair", 5, 900), ("client", 30, 900), ("account", 100, 3600))
MIN_PASSWORD = 12
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified for unknown users so that they take as long as known ones (made once, lazily)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Staff:
    username: str
    name: str
    unit: str
    role: Role
    disabled: bool = False
    generation: int = 1
    email: str | None = None  # for the daily deadline digest (optional)


@dataclass(frozen=True)
class Session:
    key: str          # sha256 of the token
    staff: Staff
    csrf: str
    created: dt.datetime
    last_seen: dt.datetime


def staff_of(data: dict[str, Any], unit: str) -> Staff:
    return Staff(data["username"], data["name"], unit, Role(data["role"]), data.get("disabled", False),
                 data.get("generation", 1), data.get("email"))


def staff_from(record: Record) -> Staff:
    """The account a staff record holds (add_staff always stores its unit)."""
    if record.unit is None:
        raise ValueError(f"staff record {record.key!r} has no unit")
    return staff_of(record.data, record.unit)


def _listed(username: str, data: dict[str, Any]) -> tuple[Listing, ...]:
    shown = {k: data.get(k) for k in ("username", "name", "role", "disabled", "generation", "email")}
    return (Listing(ACCOUNTS, username, shown),)


def new_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidSubmission(f"密码至少 {MIN_PASSWORD} 个字符", field="password")


def _username(value: str) -> str:
    value = value.strip().lower()
    if not (3 <= len(value) <= 32 and value.replace("_", "").replace(".", "").isalnum() and value.isascii()):
        raise InvalidSubmission("用户名为 3 至 32 位小写字母、数字、下划线或点", field="username")
    return value


def add_staff(store: Store, username: str, name: str, unit: str, role: Role, password: str, actor: str,
              now: dt.datetime, email: str | None = None) -> Staff:
    username = _username(username)
    email = (email or "").strip() or None
    if email is not None and not EMAIL.match(email):
        raise InvalidSubmission("电子邮箱格式不正确", field="email")
    _check_password(password)
    if role not in STAFF_ROLES:
        raise InvalidSubmission("角色无效", field="role")
    data = {"username": username, "name": name.strip(), "role": role.value, "password": _HASHER.hash(password),
            "disabled": False, "generation": 1, "email": email}
    record = Record(STAFF, username, data, now, unit=unit, listings=_listed(username, data))
    audit = AuditEvent(STAFF, username, now, actor=actor, action="staff_added", unit=unit,
                       after={"role": role.value, "unit": unit})
    try:
        store.insert(record, audit=audit, counters=(CounterIncrement("staff", "accounts"),))
    except AlreadyExists:
        raise ConflictError(f"用户名“{username}”已被使用") from None
    return staff_from(record)


def get_staff(store: Store, username: str) -> Staff | None:
    record = store.get(STAFF, username.strip().lower())
    return staff_from(record) if record else None


def _change(store: Store, username: str, actor: str, now: dt.datetime, action: str, **changes: Any) -> Staff:
    record = store.get(STAFF, username)
    if record is None:
        raise NotFoundError(f"没有用户“{username}”")
    data = {**record.data, **changes, "generation": record.data.get("generation", 1) + 1}
    audit = AuditEvent(STAFF, username, now, actor=actor, action=action, unit=record.unit,
                       before={"disabled": record.data.get("disabled", False)}, after={"disabled": data["disabled"]})
    try:
        changed = store.update(dataclasses.replace(record, data=data, listings=_listed(username, data)),
                               expected_version=record.version, audit=audit)
    except VersionConflict:
        raise ConflictError(f"账号“{username}”刚刚被他人修改，请刷新页面后重试") from None
    return staff_from(changed)


def disable_staff(store: Store, username: str, actor: str, now: dt.datetime) -> Staff:
    return _change(store, username, actor, now, "staff_disabled", disabled=True)


def reset_password(store: Store, username: str, password: str, actor: str, now: dt.datetime) -> Staff:
    _check_password(password)
    return _change(store, username, actor, now, "password_reset", password=_HASHER.hash(password))


def _buckets(username: str, client: str, now: dt.datetime) -> list[tuple[str, int, dt.datetime, int]]:
    """(bucket, limit, window start, seconds) for each limit; account names are hashed (no names in keys)."""
    account = hashlib.sha256(username.encode()).hexdigest()[:32]
    who = {"pair": f"{account}|{client}", "client": client, "account": account}
    out = []
    for name, limit, seconds in LOGIN_LIMITS:
        start = int(now.timestamp()) // seconds * seconds
        out.append((f"login|{name}|{who[name]}", limit, dt.datetime.fromtimestamp(start, dt.timezone.utc), seconds))
    return out


def _throttle(store: Store, username: str, client: str, now: dt.datetime) -> None:
    """RateLimited while any failure count is at its limit; reading a count adds nothing to it."""
    for bucket, limit, window, seconds in _buckets(username, client, now):
        if store.hits(bucket, window) >= limit:
            wait = int(window.timestamp()) + seconds - int(now.timestamp()) + 1
            raise RateLimited(f"登录失败次数过多，请 {wait} 秒后再试", retry_after=wait)


def _count_failure(store: Store, username: str, client: str, now: dt.datetime) -> None:
    for bucket, _, window, seconds in _buckets(username, client, now):
        store.hit(bucket, window, window + dt.timedelta(seconds=2 * seconds))


def login(ctx: PortalContext, username: str, password: str, client: str) -> tuple[str, Session]:
    """A new session token (the cookie value) and the session; one message for every failure."""
    store, now = ctx.store, ctx.clock()
    username = username.strip().lower()[:64]
    _throttle(store, username, client, now)
    record = store.get(STAFF, username) if username else None
    try:
        _HASHER.verify(record.data["password"] if record else _dummy_hash(), password)
        ok = record is not None and not record.data.get("disabled", False)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or record is None:  # ok means there is a record
        _count_failure(store, username, client, now)
        store.append_audit(AuditEvent(STAFF, username or "-", now, actor="anonymous", action="login_failed",
                                      unit=record.unit if record else None))
        raise AuthenticationFailed("用户名或密码不正确")
    staff = staff_from(record)
    token = secrets.token_urlsafe(32)
    key = hashlib.sha256(token.encode()).hexdigest()
    csrf = secrets.token_urlsafe(32)
    data = {"username": staff.username, "generation": staff.generation, "csrf": csrf,
            "created": now.isoformat(), "last_seen": now.isoformat(), "revoked": False}
    store.insert(Record(SESSION, key, data, now, unit=staff.unit),
                 audit=AuditEvent(SESSION, key, now, actor=staff.username, action="login", unit=staff.unit))
    return token, Session(key, staff, csrf, now, now)


def session_for(ctx: PortalContext, token: str | None) -> Session | None:
    """The live session behind a cookie value, or None (expired, revoked, account disabled)."""
    if not token:
        return None
    store, now = ctx.store, ctx.clock()
    key = hashlib.sha256(token.encode()).hexdigest()
    record = store.get(SESSION, key)
    if record is None or record.data.get("revoked"):
        return None
    created = dt.datetime.fromisoformat(record.data["created"])
    last_seen = max(dt.datetime.fromisoformat(record.data["last_seen"]), record.touched_at or created)
    if now - created > ABSOLUTE or now - last_seen > IDLE:
        return None
    staff = get_staff(store, record.data["username"])
    if staff is None or staff.disabled or staff.generation != record.data["generation"]:
        return None
    if now - last_seen > TOUCH_EVERY:
        # Without a version: two tabs, or a double click, refresh one session at once and both go on.
        store.touch(SESSION, key, now)
        last_seen = now
    return Session(key, staff, record.data["csrf"], created, last_seen)


def logout(ctx: PortalContext, session: Session) -> None:
    store, now = ctx.store, ctx.clock()
    for _ in range(3):  # a concurrent logout of the same session is the only other writer
        record = store.get(SESSION, session.key)
        if record is None or record.data.get("revoked"):
            return
        try:
            store.update(dataclasses.replace(record, data={**record.data, "revoked": True}),
                         expected_version=record.version,
                         audit=AuditEvent(SESSION, session.key, now, actor=session.staff.username,
                                          action="logout", unit=session.staff.unit))
            return
        except VersionConflict:
            continue


def csrf_ok(session: Session, sent: str | None) -> bool:
    if not sent:
        return False
    # as bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500)
    return hmac.compare_digest(session.csrf.encode(), sent.encode())

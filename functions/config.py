"""Builds the PortalContext from the environment, once per process (Lambda or `portal serve`).

PORTAL_BUILD_DIR   folder with registry.json (default build)
PORTAL_STORE       sqlite:///path/to/portal.db (default sqlite:///var/portal.db) or dynamodb://TABLE
PORTAL_SECRET_ARN  on AWS: the Secrets Manager secret holding the query-code key (functions/keys.py)
PORTAL_SECRET_KEY  locally only: hex key for query-code HMACs; else var/secret.key, created on first use
PORTAL_BLOBS       file:///path/to/uploads (default file:///var/uploads) or s3://BUCKET
PORTAL_NOTIFIER    outbox (default: files under var/outbox/), outbox:///path, aws (SMS by SNS, e-mail by
                   SES from PORTAL_MAIL_FROM) or none
PORTAL_SITE_URL    the public site's address, for the links in messages (default http://127.0.0.1:8000/)
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from functions import keys
from functions.blobs.protocol import BlobStore
from functions.notify.protocol import Notifier
from functions.services.context import PortalContext
from functions.store.protocol import Store, UnitTree
from site_builder.org import OrgTree
from site_builder.registry import Registry


class ConfigurationError(RuntimeError):
    """A setting of the environment the portal cannot run with (the message says which, in Chinese)."""


_lock = threading.Lock()
_context: PortalContext | None = None


def make_store(url: str, tree: UnitTree | None = None) -> Store:
    """The Store for a URL, keeping each record's unit path from `tree` (the organisation network)."""
    if url.startswith("sqlite:///"):
        from functions.store.sqlite import SqliteStore

        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStore(path, tree=tree)
    if url.startswith("dynamodb://"):
        from functions.store.dynamodb import DynamoStore

        return DynamoStore(url.removeprefix("dynamodb://"), tree=tree)
    raise ValueError(f"PORTAL_STORE must be sqlite:///… or dynamodb://…, not {url!r}")


def make_blobs(url: str, secret_key: bytes) -> BlobStore:
    if url.startswith("file:///"):
        from functions.blobs.local import LocalBlobStore

        return LocalBlobStore(Path(url.removeprefix("file:///")), secret_key)
    if url.startswith("s3://"):
        from functions.blobs.s3 import S3BlobStore

        return S3BlobStore(url.removeprefix("s3://"))
    raise ValueError(f"PORTAL_BLOBS must be file:///… or s3://…, not {url!r}")


def make_notifier(spec: str, var_dir: Path) -> Notifier | None:
    if spec in ("", "outbox"):
        spec = f"outbox:///{(var_dir / 'outbox').resolve()}"
    if spec.startswith("outbox:///"):
        from functions.notify.outbox import OutboxFolder

        return OutboxFolder(Path(spec.removeprefix("outbox:///")))
    if spec == "aws":
        from functions.notify.ses import ByChannel, SesEmail
        from functions.notify.sns import SnsSms

        return ByChannel(SnsSms(), SesEmail(os.environ["PORTAL_MAIL_FROM"]))
    if spec == "none":
        return None
    raise ValueError(f"PORTAL_NOTIFIER must be outbox, outbox:///…, aws or none, not {spec!r}")


def _secret_key(var_dir: Path) -> bytes:
    """Read once per process (the context is cached): on Lambda from Secrets Manager only."""
    secret_id = os.environ.get("PORTAL_SECRET_ARN")
    if secret_id:
        return keys.application_key(secret_id)
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        raise RuntimeError("PORTAL_SECRET_ARN is required on Lambda")
    value = os.environ.get("PORTAL_SECRET_KEY")
    if value:
        try:
            key = bytes.fromhex(value)
        except ValueError:
            key = b""
        if len(key) < 32:
            raise ConfigurationError("PORTAL_SECRET_KEY 应为至少 64 位的十六进制数字（例如 "
                                     "python3 -c 'import secrets; print(secrets.token_hex(32))' 的输出）")
        return key
    path = var_dir / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def context() -> PortalContext:
    """The process-wide context (registry loaded once; the Store is thread-safe)."""
    global _context
    with _lock:
        if _context is None:
            build = Path(os.environ.get("PORTAL_BUILD_DIR", "build"))
            store_url = os.environ.get("PORTAL_STORE", "sqlite:///var/portal.db")
            var_dir = Path(store_url.removeprefix("sqlite:///")).parent if store_url.startswith("sqlite") else Path("var")
            key = _secret_key(var_dir)
            blobs = make_blobs(os.environ.get("PORTAL_BLOBS", f"file:///{(var_dir / 'uploads').resolve()}"), key)
            registry = Registry.load(build)
            _context = PortalContext(store=make_store(store_url, OrgTree(registry.units)), registry=registry,
                                     secret_key=key, blobs=blobs,
                                     notifier=make_notifier(os.environ.get("PORTAL_NOTIFIER", ""), var_dir),
                                     site_url=os.environ.get("PORTAL_SITE_URL", "http://127.0.0.1:8000/"))
        return _context


def reset() -> None:
    """Forget the context (tests, or after the environment changed)."""
    global _context
    with _lock:
        _context = None

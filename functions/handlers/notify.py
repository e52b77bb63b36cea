"""The notification Lambda, run on a schedule: send what the outbox holds (every minute) and queue
the staff's daily deadline digest (event {"digest": true}, once a day at 08:00 China time)."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from .. import config
from ..services import notifications

logger = Logger(service="notify")


def handler(event: dict, context) -> dict:
    ctx = config.context()
    queued = notifications.daily_digest(ctx) if (event or {}).get("digest") else 0
    handled = notifications.deliver_due(ctx)
    logger.info("outbox run", extra={"handled": handled, "digests_queued": queued})
    return {"handled": handled, "digests_queued": queued}

"""The local Notifier: every message is written as a JSON file under var/outbox/ instead of being
sent, so `make run` shows what would be sent (also at /review/outbox). Recipients are masked in the
file the same way the case page masks them: the folder is for looking, not for contacting people."""

from __future__ import annotations

import json
import os
from pathlib import Path

from functions.domain.identity import mask, mask_email

from .protocol import DeliveryFailed, Message


class OutboxFolder:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.id}.json"
        masked = mask_email(message.to) if message.channel == "email" else mask(message.to)
        body = {"id": message.id, "channel": message.channel, "to": masked, "subject": message.subject,
                "text": message.text}
        tmp = path.with_suffix(".part")
        try:
            tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise DeliveryFailed(f"无法写入发件箱文件夹（{type(exc).__name__}）") from None

    def sent(self) -> list[dict]:
        """What was 'sent', oldest first (for the local admin page and tests)."""
        if not self.folder.is_dir():
            return []
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        return [json.loads(p.read_text(encoding="utf-8")) for p in files]

"""The process is killed right after a staff action committed and before its message went out: after
the restart the message is sent, exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from functions.domain.case import COLLECTION
from tests.conftest import ROOT

CHILD = textwrap.dedent("""
    import os, signal, sys
    from functions import config
    from functions.domain.access import Role
    from functions.domain.petitions import PetitionIn
    from functions.domain.transitions import ActionInput
    from functions.services import casework, notifications, petitions
    from functions.services.accounts import Staff

    ctx = config.context()
    receipt = petitions.submit_petition(ctx, PetitionIn.model_validate({
        "kind": "suggestion", "unit": "130100", "subject": "社区党费公开", "body": "建议社区每月公开党费使用情况。",
        "contact": {"name": "张三", "mobile": "13800138000"}, "notify": "sms"}))
    print(receipt.reference, flush=True)
    # Die the moment the change is committed, before anything is sent.
    casework.deliver = lambda ctx, records: os.kill(os.getpid(), signal.SIGKILL)
    version = ctx.store.get("petition", receipt.reference).version
    casework.act(ctx, Staff("city", "市审核员", "130100", Role.approver), receipt.reference, "accept", version,
                 ActionInput())
    print("not reached", flush=True)
""")


def test_a_message_committed_before_a_crash_is_sent_once_after_the_restart(built_fixture, tmp_path, monkeypatch):
    env = {**os.environ, "PORTAL_BUILD_DIR": str(built_fixture), "PORTAL_STORE": f"sqlite:///{tmp_path / 'p.db'}",
           "PORTAL_NOTIFIER": f"outbox:///{tmp_path / 'outbox'}", "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60,
                           cwd=ROOT)
    assert child.returncode == -signal.SIGKILL, child.stderr
    reference = child.stdout.split()[0]
    assert "not reached" not in child.stdout and not (tmp_path / "outbox").exists()

    for name in ("PORTAL_BUILD_DIR", "PORTAL_STORE", "PORTAL_NOTIFIER"):
        monkeypatch.setenv(name, env[name])
    from functions import config
    from functions.services import notifications

    config.reset()
    ctx = config.context()  # the restarted process
    assert ctx.store.get(COLLECTION, reference).data["stage"] == "accepted"
    assert notifications.deliver_due(ctx) == 1
    assert notifications.deliver_due(ctx) == 0
    sent = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "outbox").glob("*.json")]
    assert [m["text"] for m in sent] == [f"【河北党建网】您的信访事项 {reference} 已受理，承办单位：石家庄市。"]
    assert sent[0]["to"] == "138****8000"
    config.reset()

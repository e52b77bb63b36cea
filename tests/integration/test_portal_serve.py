"""`portal serve` (what `make run` runs) in a real process: builds, creates the first admin with a
password shown once, and serves the site, the API and the review workspace on 127.0.0.1."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys

import httpx

from portal.staff_cli import bootstrap_admin
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.conftest import FIXTURE_CONTENT, ROOT
from tests.integration.conftest import free_port, wait_until_serving


def test_portal_serve_runs_everything_on_one_port_and_prints_the_first_admin_once(tmp_path):
    port = free_port()
    env = {**os.environ, "PORTAL_STORE": f"sqlite:///{tmp_path / 'var' / 'portal.db'}",
           "PORTAL_BUILD_DIR": str(tmp_path / "build"), "PORTAL_BLOBS": f"file:///{tmp_path / 'uploads'}"}
    command = [sys.executable, "-m", "portal.cli", "serve", "--content", str(FIXTURE_CONTENT), "--out",
               str(tmp_path / "build"), "--config", str(ROOT / "mkdocs.yml"), "--port", str(port), "--today", "2026-06-01"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server, server.stdout.read)
        assert httpx.get(base + "/review/login").status_code == 200
        assert httpx.get(base + "/api/search?q=基层").status_code == 200
        assert httpx.get(base + "/petition/").status_code == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    password = re.search(r"初始密码（只显示这一次，请立即保存）：(\S+)", output).group(1)
    assert len(password) >= 16
    # A second start finds the admin and shows no password again.
    os.environ["PORTAL_STORE"], saved = env["PORTAL_STORE"], os.environ.get("PORTAL_STORE")
    try:
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            bootstrap_admin("130000", OrgTree(Registry.load(tmp_path / "build").units))
        assert shown.getvalue() == ""
    finally:
        if saved is None:
            os.environ.pop("PORTAL_STORE")
        else:
            os.environ["PORTAL_STORE"] = saved


def test_a_secret_key_that_is_not_hex_stops_the_start_with_a_chinese_message(built_fixture, tmp_path):
    """Found under load: a key like "kkkk…" let the server start and then failed every petition with 500."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(PORTAL_STORE=f"sqlite:///{tmp_path / 'portal.db'}", PORTAL_SECRET_KEY="k" * 64)
    done = subprocess.run([sys.executable, "-m", "portal.cli", "serve", "--no-build", "--out", str(built_fixture),
                           "--port", "1"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1
    assert "无法启动：PORTAL_SECRET_KEY 应为至少 64 位的十六进制数字" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout

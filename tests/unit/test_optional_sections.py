"""Sections in the nav that depend on optional content still build when that content is absent: a
portal whose units have opened no 领导信箱 (found when the build benchmark's content had none: the
build failed on the nav entry)."""

from __future__ import annotations

from portal.cli import main
from tests.conftest import FIXTURE_TODAY, ROOT


def test_a_portal_without_any_mailbox_builds_and_says_none_is_open(content_copy, tmp_path, capsys):
    (content_copy / "mailboxes.yaml").unlink()
    out = tmp_path / "out"
    assert main(["build", "--content", str(content_copy), "--out", str(out), "--today", FIXTURE_TODAY.isoformat(),
                 "--config", str(ROOT / "mkdocs.yml")]) == 0, capsys.readouterr().err
    page = (out / "site/mailboxes/index.html").read_text(encoding="utf-8")
    assert "目前还没有单位开设领导信箱" in page

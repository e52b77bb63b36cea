"""Every page of the staff workspace passes axe-core without a serious or critical violation, on a
phone (360 px) and on a desktop (1280 px): staff of towns work on phones too, some with screen readers."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.review_support import PASSWORD, PETITION

CHROMIUM = "/usr/bin/chromium"
# Who opens which page: an approver works the cases and reads the figures; an administrator manages staff.
PAGES = {"province_approver": ["/review/", "/review/cases", "/review/cases/{ref}", "/review/decision",
                               "/review/surveys", "/review/surveys/manyidu", "/review/opinions"],
         "province_auditor": ["/review/audit"],
         "province_admin": ["/review/staff", "/review/outbox"]}


def serious(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, built_fixture):
    """A real server on 127.0.0.1 with one case and a province administrator."""
    import datetime as dt

    import httpx

    from functions import config
    from portal.server import create_app
    from tests.integration.conftest import environment, serving

    tmp = tmp_path_factory.mktemp("review-a11y")
    with environment(PORTAL_BUILD_DIR=str(built_fixture), PORTAL_STORE=f"sqlite:///{tmp / 'portal.db'}",
                     PORTAL_RATE_LIMITS="burst=1000/10,sustained=100000/3600"):
        ctx = config.context()
        for name, role in (("province_approver", Role.approver), ("province_auditor", Role.auditor),
                           ("province_admin", Role.admin)):
            accounts.add_staff(ctx.store, name, "省级" + role.label, "130000", role, PASSWORD, "test",
                               dt.datetime.now(dt.timezone.utc))
        with serving(create_app(built_fixture)) as base:
            answer = httpx.post(base + "/api/petitions", json=PETITION, headers={"Idempotency-Key": str(uuid.uuid4())})
            yield base, answer.json()["reference"]


@pytest.mark.parametrize("width", [360, 1280])
def test_every_review_page_has_no_serious_accessibility_violation(workspace, width):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    base, ref = workspace
    assert Path(CHROMIUM).exists()
    found = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        axe = Axe()
        for name, paths in PAGES.items():
            page = chromium.new_context(viewport={"width": width, "height": 800}, base_url=base).new_page()
            page.goto("/review/login")
            found["/review/login"] = serious(axe.run(page).response)
            page.fill("#username", name)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            for path in paths:
                answer = page.goto(path.format(ref=ref))
                assert answer is not None and answer.status == 200, path
                found[path] = serious(axe.run(page).response)
        chromium.close()
    assert {path: problems for path, problems in found.items() if problems} == {}

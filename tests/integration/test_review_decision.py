"""A leader opens 决策参考: the period's figures for their subtree as charts with tables, no script,
a drill-down from the province to a city to a county, and a CSV export that is audited. The cases
and their known answers are in tests/integration/decision_cases.py."""

from __future__ import annotations

import csv
import io
import re

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.decision_cases import make_cases
from tests.integration.review_support import PASSWORD, Browser, signed_in

PERIOD = "from=2026-04&to=2026-05"


@pytest.fixture
def leaders(portal_env, built_fixture):
    from portal.server import create_app

    ctx, clock = portal_env
    for name, unit, role in (("province_approver", "130000", Role.approver), ("city_auditor", "130100", Role.auditor),
                             ("city_handler", "130100", Role.handler)):
        accounts.add_staff(ctx.store, name, name, unit, role, PASSWORD, "test", ctx.clock())
    make_cases(ctx)
    app = create_app(built_fixture)

    def browser(name: str) -> Browser:
        return signed_in(app, name)

    return ctx, browser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row(html: str, name: str) -> str:
    """The text of the first table row headed by `name`."""
    found = re.search(rf'<tr><th scope="row">(?:<a [^>]+>)?{re.escape(name)}(?:</a>)?</th>(.*?)</tr>', html)
    assert found, name
    return text_of(found.group(1)).strip()


def test_the_province_sees_the_period_as_charts_with_their_tables_and_no_script(leaders):
    ctx, browser = leaders
    page = browser("province_approver").get(f"/review/decision?{PERIOD}")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"] and "<script" not in page.text
    html = page.text
    assert '<a href="/review/decision" aria-current="page">决策参考</a>' in html
    assert "收到信访事项 <strong>7</strong> 件，已答复 5 件；答复用时中位数 14 天，90% 在 64 天内；" in html
    assert "超期率 28.6%，满意率 66.7%，复查率 20.0%" in html
    # 各单位情况: received, replied, median, 90%, overdue rate, satisfaction, 复查 rate, change
    assert row(html, "石家庄市") == "5 3 20 天 64 天 40.0% 50.0% 33.3% -33.3%"
    assert row(html, "保定市") == "2 2 9.5 天 14 天 0.0% 100.0% 0.0% 无法比较"
    for title in ("各月收到的信访事项（按类别），2026-04 至 2026-05", "各单位答复用时（天）", "超期率（由高到低）",
                  "满意率（由低到高）"):
        assert re.search(rf'<svg [^>]*role="img"[^>]*><title id="[^"]+">{re.escape(title)}</title>', html), title
    assert "<desc id=\"overdue-desc\">石家庄市：40.0%；保定市：0.0%</desc>" in html
    assert row(html, "2026-05") == "3 0 0 1 4"  # by kind: 建议意见 检举控告 申诉求决 咨询 合计


def test_the_change_from_the_month_before_reads_in_words(leaders):
    ctx, browser = leaders
    html = browser("province_approver").get(f"/review/decision?{PERIOD}").text
    assert row(html, "收到信访事项") == "3 件 4 件 +33.3%"
    assert row(html, "满意率") == "50.0% 100.0% +50.0 个百分点"


def test_a_leader_drills_down_from_the_province_to_a_city_and_a_county(leaders):
    ctx, browser = leaders
    province = browser("province_approver")
    html = province.get(f"/review/decision?{PERIOD}").text
    link = re.search(r'<a href="(/review/decision\?unit=130100[^"]*)">石家庄市</a>', html).group(1)
    city = province.get(link.replace("&amp;", "&")).text
    assert row(city, "石家庄市（本级）").startswith("4 2 ") and row(city, "正定县").startswith("1 1 20 天 20 天 0.0% 0.0% 100.0%")
    assert '<a href="/review/decision?unit=130000&amp;from=2026-04&amp;to=2026-05">河北省</a> › ' in city
    county = province.get(f"/review/decision?unit=130123&{PERIOD}").text
    assert "正定县及下级单位，2026-04 至 2026-05：收到信访事项 <strong>1</strong> 件" in county


def test_a_city_auditor_sees_the_city_and_cannot_look_at_another_city(leaders):
    ctx, browser = leaders
    auditor = browser("city_auditor")
    assert "收到信访事项 <strong>5</strong> 件" in auditor.get(f"/review/decision?{PERIOD}").text
    other = auditor.get(f"/review/decision?unit=130600&{PERIOD}")
    assert other.status_code == 404 and "保定市" not in other.text


def test_a_handler_is_not_offered_the_page_and_gets_no_figures(leaders):
    ctx, browser = leaders
    handler = browser("city_handler")
    assert "决策参考" not in handler.get("/review/cases").text
    page = handler.get(f"/review/decision?{PERIOD}")
    assert page.status_code in (403, 404) and "收到信访事项" not in page.text


def test_a_period_that_cannot_be_read_gets_a_chinese_message(leaders):
    ctx, browser = leaders
    page = browser("province_approver").get("/review/decision?from=2026-05&to=2026-04")
    assert page.status_code == 422 and "起始月份不能晚于截止月份" in page.text
    bad = browser("province_approver").get("/review/decision?from=%3Cscript%3E")
    assert bad.status_code == 422 and "起始月份应为年-月，如 2026-01" in bad.text and "<script>" not in bad.text


def test_the_export_has_the_pages_figures_and_is_audited(leaders):
    ctx, browser = leaders
    province = browser("province_approver")
    assert '<a href="/review/export/decision.csv?unit=130000&amp;from=2026-04&amp;to=2026-05">' in \
        province.get(f"/review/decision?{PERIOD}").text
    response = province.download(f"/review/export/decision.csv?unit=130000&{PERIOD}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:8] == ["单位", "期间", "收到（件）", "已答复（件）", "答复用时中位数（天）", "90%答复用时（天）",
                            "超期（件）", "超期率（%）"]
    by_unit = {line[0]: line for line in table[1:]}
    assert by_unit["石家庄市"][2:12] == ["5", "3", "20.0", "64.0", "2", "40.0", "50.0", "33.3", "-33.3", "3"]
    assert table[-1][0].startswith("合计（导出于 2026-06-10 10:00") and table[-1][2] == "7"
    logged = ctx.store.audit_log("130000")[0]
    assert [(e.action, e.actor, e.after["rows"]) for e in logged if e.action == "export_decision"] == [
        ("export_decision", "province_approver", 3)]

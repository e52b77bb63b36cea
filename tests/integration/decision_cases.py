"""Petitions with known figures for the 决策参考 tests, made through the real use cases on a chosen
day each (the context's clock is moved, as a day in an office would).

Fixture org: 河北省 130000 → 石家庄市 130100 → 正定县 130123; 河北省 → 保定市 130600 → 竞秀区 130602.
Period 2026-04 … 2026-05, looked at on 2026-06-10:

| case | kind | to | received | what happened | days to reply |
|---|---|---|---|---|---|
| A | 建议意见 | 石家庄市 | 04-01 | accepted, answered by the city 04-11, rated 满意 | 10 |
| B | 申诉求决 | 石家庄市 | 04-03 | assigned to 正定县, answered 04-23, rated 不满意, 复查 asked 04-24 (now at the city, its 复查 answer late — the city's, not counted for 正定县) | 20 |
| C | 检举控告 | 石家庄市 | 04-02 | accepted 04-02, answered 06-05: after its 60 days (overdue) | 64 |
| D | 咨询 | 石家庄市 | 05-10 | accepted, not answered, within its limit | — |
| E | 建议意见 | 石家庄市 | 05-20 | not even accepted by 06-10: past its 15 days (overdue) | — |
| F | 建议意见 | 保定市 | 05-05 | answered 05-10, rated 基本满意 | 5 |
| G | 建议意见 | 竞秀区 | 05-15 | answered 05-29 | 14 |
| H | 建议意见 | 石家庄市 | 03-15 | before the period | — |
"""

from __future__ import annotations

import datetime as dt

from functions.domain.access import Role
from functions.domain.case import COLLECTION, Rating
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.services import casework, petitions
from functions.services.accounts import Staff

CITY = Staff("d_city", "市审核员", "130100", Role.approver)
COUNTY = Staff("d_county", "县审核员", "130123", Role.approver)
BAODING = Staff("d_baoding", "保定审核员", "130600", Role.approver)
JINGXIU = Staff("d_jingxiu", "竞秀审核员", "130602", Role.approver)
TODAY = dt.date(2026, 6, 10)


def on(ctx, day: str) -> None:
    ctx.clock.now = dt.datetime.fromisoformat(f"2026-{day}T10:00:00+08:00").astimezone(dt.timezone.utc)


def submit(ctx, day: str, kind: str, unit: str, subject: str) -> petitions.Receipt:
    on(ctx, day)
    return petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": kind, "unit": unit, "subject": subject, "body": subject + "，请尽快处理并答复。",
         "contact": {"name": "王五", "mobile": "13700137000"}}))


def act(ctx, staff: Staff, receipt, day: str, action: str, **inputs) -> None:
    on(ctx, day)
    version = ctx.store.get(COLLECTION, receipt.reference).version
    casework.act(ctx, staff, receipt.reference, action, version, ActionInput(**inputs))


def answer(ctx, staff: Staff, receipt, accepted: str, replied: str) -> None:
    act(ctx, staff, receipt, accepted, "accept")
    act(ctx, staff, receipt, accepted, "start")
    act(ctx, staff, receipt, replied, "reply", reply="已核实处理。")


def make_cases(ctx) -> dict[str, str]:
    """Makes A–H; returns their references. Leaves the clock on TODAY."""
    made = {}
    made["H"] = submit(ctx, "03-15", "suggestion", "130100", "社区活动室开放时间太短")
    made["A"] = a = submit(ctx, "04-01", "suggestion", "130100", "建议公开党费使用情况")
    answer(ctx, CITY, a, "04-01", "04-11")
    petitions.rate(ctx, a.reference, a.query_code, Rating.satisfied)
    made["C"] = c = submit(ctx, "04-02", "accusation", "130100", "反映村干部优亲厚友")
    made["B"] = b = submit(ctx, "04-03", "appeal", "130100", "低保评定不公开")
    act(ctx, CITY, b, "04-03", "accept")
    act(ctx, CITY, b, "04-03", "assign", target_unit="130123")
    act(ctx, COUNTY, b, "04-05", "start")
    act(ctx, COUNTY, b, "04-23", "reply", reply="已责成村委会补充公示。")
    petitions.rate(ctx, b.reference, b.query_code, Rating.dissatisfied)
    on(ctx, "04-24")
    petitions.request_review(ctx, b.reference, b.query_code, "公示内容不完整。")
    answer(ctx, CITY, c, "04-02", "06-05")
    made["F"] = f = submit(ctx, "05-05", "suggestion", "130600", "建议增加党员活动日次数")
    answer(ctx, BAODING, f, "05-05", "05-10")
    petitions.rate(ctx, f.reference, f.query_code, Rating.basically_satisfied)
    made["D"] = d = submit(ctx, "05-10", "inquiry", "130100", "咨询组织关系转接手续")
    act(ctx, CITY, d, "05-10", "accept")
    made["G"] = g = submit(ctx, "05-15", "suggestion", "130602", "建议社区设立党员先锋岗")
    answer(ctx, JINGXIU, g, "05-15", "05-29")
    made["E"] = submit(ctx, "05-20", "suggestion", "130100", "建议延长便民服务站办公时间")
    on(ctx, TODAY.isoformat()[5:])
    return {name: receipt.reference for name, receipt in made.items()}

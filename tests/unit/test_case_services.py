"""The case use cases run on the in-memory Store, without HTTP, MkDocs or files: a petition from
submission through the staff's actions to the petitioner's 复查, each step as the people involved see it."""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION, Case, Note, Rating, Stage
from functions.domain.errors import ConflictError, NotFoundError
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.services import casework, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from functions.store.memory import MemoryStore
from site_builder.loader import load_content
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY

CITY = Staff("city", "市审核员", "130100", Role.approver)
COUNTY = Staff("county", "县办理员", "130123", Role.handler)
SIBLING = Staff("sibling", "保定审核员", "130600", Role.approver)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_content(load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY))


@pytest.fixture
def ctx(registry) -> PortalContext:
    return PortalContext(store=MemoryStore(tree=OrgTree(registry.units)), registry=registry, secret_key=b"k" * 32,
                         clock=Clock())


def submit(ctx: PortalContext) -> petitions.Receipt:
    return petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": "130100", "subject": "关于社区党建的建议",
         "body": "建议社区党组织每月公开党费使用情况。", "contact": {"name": "张三", "mobile": "13800138000"}}))


def act(ctx, staff, reference, action, **inputs):
    version = ctx.store.get(COLLECTION, reference).version
    return casework.act(ctx, staff, reference, action, version, ActionInput(**inputs))


def test_a_petition_travels_from_the_public_to_the_county_and_back_up_for_review(ctx):
    receipt = submit(ctx)
    assert receipt.stage is Stage.registered and receipt.handling_unit == "石家庄市"
    act(ctx, CITY, receipt.reference, "accept")
    act(ctx, CITY, receipt.reference, "assign", target_unit="130123")
    assert [r.reference for r in casework.queue_rows(ctx, COUNTY, "all", None, None)[0]] == [receipt.reference]
    assert casework.queue_rows(ctx, SIBLING, "all", None, None) == ([], None)
    act(ctx, COUNTY, receipt.reference, "start")
    act(ctx, COUNTY, receipt.reference, "reply", reply="已督促社区每月公开。")

    status = petitions.petition_status(ctx, receipt.reference, receipt.query_code)
    assert status.reply.text == "已督促社区每月公开。" and set(status.actions) == {"rate", "request_review"}
    rated = petitions.rate(ctx, receipt.reference, receipt.query_code, Rating.basically_satisfied)
    assert rated.rating is Rating.basically_satisfied and "rate" not in rated.actions
    review = petitions.request_review(ctx, receipt.reference, receipt.query_code, "公开的内容不全。")
    assert review.stage is Stage.review and review.handling_unit == "石家庄市"  # one level above 正定县
    assert [s.label for s in review.steps] == ["登记", "受理", "交办下级", "开始办理", "答复", "满意度评价", "请求复查"]

    case = Case.from_data(ctx.store.get(COLLECTION, receipt.reference).data)
    assert case.handling_unit == "130100" and case.review_requests[0].from_unit == "130123"
    assert [e.action for e in ctx.store.audit_trail(COLLECTION, receipt.reference)] == [
        "submitted", "accept", "assign", "start", "reply", "rate", "request_review"]


def test_a_stale_form_is_a_conflict_and_changes_nothing(ctx):
    receipt = submit(ctx)
    version = ctx.store.get(COLLECTION, receipt.reference).version
    casework.act(ctx, CITY, receipt.reference, "accept", version, ActionInput())
    with pytest.raises(ConflictError, match="已被他人修改"):
        casework.note(ctx, CITY, receipt.reference, version, "迟到的备注")
    assert [p.kind for p in ctx.store.parts(COLLECTION, receipt.reference)] == ["steps", "steps"]  # 登记, 受理
    assert casework.case_detail(ctx, CITY, receipt.reference).case.notes == []


def test_the_history_notes_and_returns_of_a_case_are_kept_beside_it_not_in_it(ctx):
    receipt = submit(ctx)
    ref = receipt.reference
    act(ctx, CITY, ref, "accept")
    act(ctx, CITY, ref, "assign", target_unit="130123")
    act(ctx, COUNTY, ref, "return", reason="不属于本县职责。")
    for text in ("第一条备注", "第二条备注"):
        casework.note(ctx, CITY, ref, ctx.store.get(COLLECTION, ref).version, text)

    data = ctx.store.get(COLLECTION, ref).data
    assert not {"steps", "notes", "returns", "review_answers"} & set(data)
    assert data["appended"] == {"steps": 4, "notes": 2, "returns": 1, "review_answers": 0}
    kinds = [(p.kind, p.seq) for p in ctx.store.parts(COLLECTION, ref)]
    assert kinds == [("notes", 0), ("notes", 1), ("returns", 0), ("steps", 0), ("steps", 1), ("steps", 2), ("steps", 3)]
    case = casework.case_detail(ctx, CITY, ref).case
    assert [n.text for n in case.notes] == ["第一条备注", "第二条备注"] and case.returns[0].reason == "不属于本县职责。"


def test_a_case_stored_with_its_history_inside_keeps_it_and_moves_it_out_on_its_next_change(ctx):
    from functions.store.protocol import AuditEvent, Record

    receipt = submit(ctx)
    ref = receipt.reference
    old = casework.case_detail(ctx, CITY, ref).case.model_copy(deep=True)
    old.notes.append(Note(by="city", name="市审核员", at=ctx.clock(), text="旧版本的备注"))
    stored = ctx.store.get(COLLECTION, ref)
    # As the first layout stored it: every list inside the case, no counts, no parts.
    legacy = Record(COLLECTION, "XF-OLD", old.model_copy(update={"reference": "XF-OLD"}).model_dump(mode="json"),
                    stored.created_at, "130100")
    ctx.store.insert(legacy, audit=AuditEvent(COLLECTION, "XF-OLD", stored.created_at, "public", "submitted"))

    assert [n.text for n in casework.case_detail(ctx, CITY, "XF-OLD").case.notes] == ["旧版本的备注"]
    casework.note(ctx, CITY, "XF-OLD", 1, "新备注")
    assert [(p.kind, p.seq) for p in ctx.store.parts(COLLECTION, "XF-OLD")] == [("notes", 0), ("notes", 1), ("steps", 0)]
    assert [n.text for n in casework.case_detail(ctx, CITY, "XF-OLD").case.notes] == ["旧版本的备注", "新备注"]
    assert "notes" not in ctx.store.get(COLLECTION, "XF-OLD").data


def test_a_case_out_of_scope_reads_as_missing_and_the_attempt_is_logged(ctx):
    receipt = submit(ctx)
    with pytest.raises(NotFoundError):
        casework.case_detail(ctx, SIBLING, receipt.reference)
    logged = ctx.store.audit_log("130600")[0]
    assert [(e.action, e.key) for e in logged] == [("access_denied", casework.OUT_OF_SCOPE)]


def test_the_case_page_masks_contact_data_until_an_audited_reveal(ctx):
    receipt = submit(ctx)
    masked = casework.case_detail(ctx, CITY, receipt.reference)
    assert dict(masked.contact) == {"姓名": "张*", "手机号码": "138****8000"}
    shown = casework.case_detail(ctx, CITY, receipt.reference, reveal=True)
    assert dict(shown.contact) == {"姓名": "张三", "手机号码": "13800138000"}
    assert [e.action for e in ctx.store.audit_trail(COLLECTION, receipt.reference)][-1] == "contact_revealed"

"""The petitioner's use cases: send a petition, look it up, and take the public steps of the state
machine (rate the reply, ask for 复查 and then 复核) with the query code instead of a login."""

from __future__ import annotations

from functions.blobs.protocol import BlobStore
from functions.domain import codes, transitions
from functions.domain.access import Role
from functions.domain.case import COLLECTION, PUBLISHABLE_KINDS, REVIEWING, Case, PublicStatus, Rating, Stage, public_status
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.petitions import PetitionIn, initial_case
from functions.domain.time_limits import china_date
from functions.store.protocol import AuditEvent, VersionConflict

from . import case_store
from .case_store import StoredCase
from .context import PortalContext
from .idempotency import IdempotentRequest, NewRecord, insert_once
from .uploads import keep_attachments, verify_attachments

PETITION = COLLECTION


class Receipt(PublicStatus):
    """What the petitioner gets once, right after submitting: the status plus the query code."""

    query_code: str


def _attachments(blobs: BlobStore | None, petition: PetitionIn) -> None:
    if not petition.attachments:
        return
    if blobs is None:
        raise InvalidSubmission("暂不接收附件", field="attachments")
    verify_attachments(blobs, petition.attachments)
    keep_attachments(blobs, petition.attachments)


def _check_mailbox(ctx: PortalContext, petition: PetitionIn) -> None:
    """A letter to a 领导信箱 goes the road of a 建议意见 (or 咨询) to the mailbox's own unit."""
    if petition.mailbox is None:
        return
    box = ctx.registry.mailboxes.get(petition.mailbox)
    if box is None:
        raise InvalidSubmission("没有这个信箱", field="mailbox")
    if petition.unit != box.unit:
        raise InvalidSubmission(f"写给{box.name}的信由{ctx.unit_names[box.unit]}办理，请不要更改受理单位", field="unit")
    if petition.kind not in PUBLISHABLE_KINDS:
        raise InvalidSubmission(f"{box.name}接收建议意见和咨询；检举控告、申诉求决请通过“我要信访”提交", field="kind")


def submit_petition(ctx: PortalContext, petition: PetitionIn, idem: IdempotentRequest | None = None) -> Receipt:
    ctx.require_unit(petition.unit)
    _check_mailbox(ctx, petition)
    _attachments(ctx.blobs, petition)

    def make() -> NewRecord:
        received = ctx.clock()
        reference = codes.new_reference(china_date(received))
        query_code = codes.new_query_code()
        case = initial_case(petition, reference, codes.hash_query_code(query_code, ctx.secret_key), received)
        receipt = Receipt(query_code=query_code, **_status(ctx, case).model_dump())
        record, parts, counters = case_store.first_write(ctx, case, received)
        return NewRecord(record, receipt.model_dump(mode="json"), parts, counters)

    return Receipt.model_validate(insert_once(ctx, make, idem))


def _authorised(ctx: PortalContext, reference: str, query_code: str) -> tuple[StoredCase, Case]:
    """The case, if the code matches. Unknown reference and wrong code are the same NotFoundError."""
    stored = case_store.load(ctx, codes.normalize_reference(reference), notes=False)  # notes are staff-only
    case = stored.case if stored else None
    # The HMAC is computed whether or not the case exists, so both answers take as long.
    if not codes.query_code_matches(query_code, case.query_code_hash if case else None, ctx.secret_key) \
            or stored is None or case is None:
        raise NotFoundError("受理编号或查询码不正确")
    return stored, case


def _status(ctx: PortalContext, case: Case) -> PublicStatus:
    possible = transitions.allowed_now(case, Role.public, ctx.transition_context(None))
    return public_status(case, ctx.unit_names, [t.name for t in possible])


def petition_status(ctx: PortalContext, reference: str, query_code: str) -> PublicStatus:
    return _status(ctx, _authorised(ctx, reference, query_code)[1])


def _repeated(case: Case, action: str, inputs: transitions.ActionInput) -> bool:
    transition = transitions.TRANSITIONS.get(action)
    if transition is None or Role.public not in transition.roles:
        return False
    if action == "rate":
        return case.rating is not None and case.rating == inputs.rating
    return case.stage is transition.target and case.stage in REVIEWING


def public_step(ctx: PortalContext, reference: str, query_code: str, action: str,
                inputs: transitions.ActionInput) -> PublicStatus:
    """rate / request_review / request_re_review, through the one transition table."""
    stored, case = _authorised(ctx, reference, query_code)
    if _repeated(case, action, inputs):
        return _status(ctx, case)  # the same step again (a double click, a reload): nothing changes
    new = transitions.apply(case, action, Role.public, inputs, ctx.transition_context(None))
    audit = AuditEvent(PETITION, case.reference, ctx.clock(), actor="public", action=action, unit=new.handling_unit,
                       before={"stage": case.stage.value, "handling_unit": case.handling_unit},
                       after={"stage": new.stage.value, "handling_unit": new.handling_unit})
    try:
        case_store.save(ctx, stored, new, audit)
    except VersionConflict:
        raise ConflictError("办理状态刚刚发生变化，请刷新后重试") from None
    return _status(ctx, new)


def rate(ctx: PortalContext, reference: str, query_code: str, rating: Rating, comment: str | None = None) -> PublicStatus:
    return public_step(ctx, reference, query_code, "rate", transitions.ActionInput(rating=rating, comment=comment))


def request_review(ctx: PortalContext, reference: str, query_code: str, reason: str) -> PublicStatus:
    """复查 after the reply, or 复核 after the 复查 answer: the case says which one is due."""
    _, case = _authorised(ctx, reference, query_code)
    action = "request_re_review" if case.review_count >= 1 or case.stage is Stage.re_review else "request_review"
    return public_step(ctx, reference, query_code, action, transitions.ActionInput(reason=reason))

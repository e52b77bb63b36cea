"""CSV exports for staff: the rows of a queue, the comments on drafts, the feedback, the answers to a
survey. Each is written to the BlobStore under `exports/` (S3 on AWS, encrypted, deleted by the bucket
after a day; locally the uploads folder) as its rows are read, page by page, from a listing bounded to
what is exported — never held whole in memory nor sent through the function's response (Lambda caps
that at 6 MB). Staff get a short-lived link to the file. Every export is audited (who, what, how many
rows) before the link is handed out."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from functions.blobs.protocol import EXPORTS
from functions.domain.access import Permission
from functions.domain.errors import NotFoundError, ServiceUnavailable
from functions.reports.csv import write_csv
from functions.store.protocol import AuditEvent
from site_builder.chinatime import china_minute

from .accounts import Staff
from .casework import all_queue_rows
from .context import PortalContext
from .opinions import DECISIONS, sender_of
from .scope import Reading, every, require
from .submissions import COMMENT, FEEDBACK, RECEIVED, SURVEY_RESPONSE, consultation_listing, survey_listing
from .surveys import sees_everything, survey_in_scope

LINK_FOR = dt.timedelta(minutes=5)
BATCH = 100  # survey answers read by key per request, beside each page of their list
_IN_MEMORY = 4 * 1024 * 1024  # an export spills to a temporary file beyond this


@dataclass(frozen=True)
class ExportLink:
    url: str
    filename: str
    rows: int


def publish(ctx: PortalContext, staff: Staff, action: str, filename: str, headers: list[str],
             rows: Iterable[list[Any]], about: dict[str, Any]) -> ExportLink:
    """Write the CSV to the BlobStore, audit the export (who, what, how many rows: the lines written,
    unless `about` says how many of them are data), hand out a link."""
    if ctx.blobs is None:
        raise ServiceUnavailable("导出功能暂时不可用，请稍后再试")
    key = f"{EXPORTS}{uuid.uuid4().hex}.csv"
    with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY) as spooled:
        file = cast(BinaryIO, spooled)  # a SpooledTemporaryFile is a binary file object
        count = write_csv(file, headers, rows)
        file.seek(0)
        ctx.blobs.put_file(key, file, "text/csv; charset=utf-8")
    now = ctx.clock()
    ctx.store.append_audit(AuditEvent("export", str(uuid.uuid4()), now, actor=staff.username, action=action,
                                      unit=staff.unit, after={"rows": count, **about}))
    return ExportLink(ctx.blobs.download_url(key, now + LINK_FOR, filename=filename), filename, count)


CASE_HEADERS = ["受理编号", "类别", "标题", "阶段", "承办单位", "登记时间", "最近期限", "剩余", "满意度评价",
                "复查（复核）理由", "附件"]


def export_cases(ctx: PortalContext, staff: Staff, view: str, unit: str | None, stage: str | None) -> ExportLink:
    require(staff, Permission.export)
    rows = ([r.reference, r.kind, r.subject, r.stage, r.unit, china_minute(r.received), r.deadline, r.left,
             r.rating, r.review_reasons, r.attachments] for r in all_queue_rows(ctx, staff, view, unit, stage))
    return publish(ctx, staff, "export_cases", "信访事项.csv", CASE_HEADERS, rows,
                    {"view": view, "unit": unit, "stage": stage})


def _opinion_rows(entries: Iterable[Any], with_draft: bool) -> Iterator[list[Any]]:
    for entry in entries:
        d = entry.summary
        where = [d["consultation"], d.get("article") or "整体"] if with_draft else [d.get("page") or "网站整体"]
        yield where + [d["body"], sender_of(d), DECISIONS.get(d.get("decision"), "未处理"), d.get("reason"),
                       china_minute(d["received"])]


def export_comments(ctx: PortalContext, staff: Staff, consultation: str | None) -> ExportLink:
    require(staff, Permission.export)
    if consultation is None:
        reading = Reading(COMMENT, RECEIVED, staff.unit, descending=True)
    else:
        window = ctx.registry.consultations.get(consultation)
        if window is None or not ctx.in_scope(staff.unit, window.unit):
            raise NotFoundError("没有这个页面")
        reading = Reading(COMMENT, consultation_listing(consultation), window.unit)
    return publish(ctx, staff, "export_comments", "征求意见.csv",
                    ["征求意见稿", "条文", "意见", "提出人（部分隐去）", "处理结果", "理由", "提交时间"],
                    _opinion_rows(every(ctx, [reading]), True), {"consultation": consultation})


def export_feedback(ctx: PortalContext, staff: Staff) -> ExportLink:
    require(staff, Permission.export)
    return publish(ctx, staff, "export_feedback", "页面反馈.csv",
                    ["页面", "意见", "提出人（部分隐去）", "处理结果", "理由", "提交时间"],
                    _opinion_rows(every(ctx, [Reading(FEEDBACK, RECEIVED, staff.unit, descending=True)]), False), {})


def _answers(ctx: PortalContext, survey_id: str, unit: str) -> Iterator[dict[str, Any]]:
    """Every answer to one survey, newest first: its list gives the keys, the answers are read by key."""
    batch: list[str] = []
    for entry in every(ctx, [Reading(SURVEY_RESPONSE, survey_listing(survey_id), unit, descending=True)], BATCH):
        batch.append(entry.key)
        if len(batch) == BATCH:
            yield from (r.data for r in ctx.store.get_many(SURVEY_RESPONSE, batch))
            batch = []
    yield from (r.data for r in ctx.store.get_many(SURVEY_RESPONSE, batch))


def export_survey(ctx: PortalContext, staff: Staff, survey_id: str) -> ExportLink:
    require(staff, Permission.export)
    found = survey_in_scope(ctx, staff, survey_id)
    everything = sees_everything(ctx, staff, found)  # else: the answers of the staff member's subtree only
    headers = ["提交时间", "地区"] + [f"{n}. {q.text}" for n, q in enumerate(found.questions, start=1)]

    def rows() -> Iterator[list[Any]]:
        for data in _answers(ctx, survey_id, found.unit):
            region = data.get("unit")
            if not everything and not ctx.in_scope(staff.unit, region):
                continue
            yield ([china_minute(data["received"]), ctx.unit_names.get(region, region) if region else None] +
                   [data["answers"].get(q.id) for q in found.questions])

    return publish(ctx, staff, "export_survey", f"{found.title}.csv", headers, rows(), {"survey": survey_id})

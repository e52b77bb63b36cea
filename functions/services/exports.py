"""CSV exports for staff: the rows of a queue, the comments on drafts, the answers to a survey.
Every export is audited (who, what, how many rows) before its file is handed out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from functions.domain.access import Permission
from functions.store.protocol import AuditEvent
from site_builder.chinatime import china_minute

from .accounts import Staff
from .casework import queue_rows
from .context import PortalContext
from .opinions import DECISIONS, sender_of
from .scope import newest_first, require
from .submissions import COMMENT, FEEDBACK, SURVEY_RESPONSE
from .surveys import survey_in_scope


@dataclass(frozen=True)
class Export:
    filename: str
    headers: list[str]
    rows: list[list]


def _audit(ctx: PortalContext, staff: Staff, action: str, after: dict) -> None:
    ctx.store.append_audit(AuditEvent("export", str(uuid.uuid4()), ctx.clock(), actor=staff.username, action=action,
                                      unit=staff.unit, after=after))


def export_cases(ctx: PortalContext, staff: Staff, view: str, unit: str | None, stage: str | None) -> Export:
    require(staff, Permission.export)
    rows = queue_rows(ctx, staff, view, unit, stage)
    _audit(ctx, staff, "export_cases", {"view": view, "unit": unit, "stage": stage, "rows": len(rows)})
    return Export("信访事项.csv", ["受理编号", "类别", "标题", "阶段", "承办单位", "登记时间", "最近期限", "剩余",
                                  "满意度评价", "复查（复核）理由", "附件"],
                  [[r.reference, r.kind, r.subject, r.stage, r.unit, china_minute(r.received), r.deadline, r.left,
                    r.rating, r.review_reasons, r.attachments] for r in rows])


def export_comments(ctx: PortalContext, staff: Staff, consultation: str | None) -> Export:
    require(staff, Permission.export)
    rows = [r for r in newest_first(ctx, staff, COMMENT) if consultation in (None, r.data["consultation"])]
    _audit(ctx, staff, "export_comments", {"consultation": consultation, "rows": len(rows)})
    return Export("征求意见.csv", ["征求意见稿", "条文", "意见", "提出人（部分隐去）", "处理结果", "理由", "提交时间"],
                  [[r.data["consultation"], r.data.get("article") or "整体", r.data["body"], sender_of(r.data),
                    DECISIONS.get(r.data.get("decision"), "未处理"), r.data.get("reason"),
                    china_minute(r.data["received"])] for r in rows])


def export_feedback(ctx: PortalContext, staff: Staff) -> Export:
    require(staff, Permission.export)
    rows = newest_first(ctx, staff, FEEDBACK)
    _audit(ctx, staff, "export_feedback", {"rows": len(rows)})
    return Export("页面反馈.csv", ["页面", "意见", "提出人（部分隐去）", "处理结果", "理由", "提交时间"],
                  [[r.data.get("page") or "网站整体", r.data["body"], sender_of(r.data),
                    DECISIONS.get(r.data.get("decision"), "未处理"), r.data.get("reason"),
                    china_minute(r.data["received"])] for r in rows])


def export_survey(ctx: PortalContext, staff: Staff, survey_id: str) -> Export:
    require(staff, Permission.export)
    found = survey_in_scope(ctx, staff, survey_id)
    rows = [r for r in newest_first(ctx, staff, SURVEY_RESPONSE) if r.data["survey"] == survey_id]
    _audit(ctx, staff, "export_survey", {"survey": survey_id, "rows": len(rows)})
    headers = ["提交时间", "地区"] + [f"{n}. {q.text}" for n, q in enumerate(found.questions, start=1)]
    body = []
    for r in rows:
        answers = r.data["answers"]
        region = r.data.get("unit")
        body.append([china_minute(r.data["received"]), ctx.unit_names.get(region, region) if region else None] +
                    [answers.get(q.id) for q in found.questions])
    return Export(f"{found.title}.csv", headers, body)

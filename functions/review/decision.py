"""决策参考 for approvers and auditors: the figures of a unit's subtree over a period, as SVG charts
with their tables (no script), a drill-down into child units, and the same figures as CSV."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..domain.statistics import add_months
from ..reports import charts
from ..services import decision as service
from . import web

router = Router()


def _query() -> tuple[str | None, str | None, str | None]:
    params = web.params(router.current_event)
    return params.get("unit") or None, params.get("from") or None, params.get("to") or None


@router.get("/review/decision", include_in_schema=False)
def decision_page():
    session = web.current_session(router.current_event)
    view = service.decision(web.ctx(), session.staff, *_query())
    return web.page("decision.html", session, title="决策参考", active="/review/decision", view=view,
                    previous=add_months(view.period.last, -1), charts=chart_set(view),
                    by_overdue=service.ranked(view.rows, "overdue"),
                    by_satisfaction=service.ranked(view.rows, "satisfaction"),
                    can_export=allowed(session.staff.role, Permission.export))


@router.get("/review/export/decision.csv", include_in_schema=False)
def decision_csv():
    session = web.current_session(router.current_event)
    return web.see_other(service.export(web.ctx(), session.staff, *_query()).url)


def chart_set(view: service.Decision) -> dict[str, str]:
    """The page's charts; each one's figures are also in the table that follows it."""
    months = view.period.months
    short = [m[2:].replace("-", ".") if len(months) > 12 else m[5:] + "月" for m in months]
    replied = [r for r in view.rows if r.figures.replied]
    out = {
        "kinds": charts.stacked_column_chart_svg(f"各月收到的信访事项（按类别），{view.period.label}", short,
                                                 view.by_kind, ident="kinds"),
        "days": charts.paired_bar_chart_svg("各单位答复用时（天）",
                                            [(r.name, r.figures.median_days, r.figures.p90_days) for r in replied],
                                            ("中位数", "90% 在此天数内"), suffix="天", ident="days"),
        "overdue": charts.rate_chart_svg("超期率（由高到低）", [(r.name, r.overdue_rate) for r in
                                                         service.ranked(view.rows, "overdue") if r.overdue_rate is not None],
                                         ident="overdue", width=300),
        "satisfaction": charts.rate_chart_svg(
            "满意率（由低到高）", [(r.name, r.figures.satisfaction) for r in service.ranked(view.rows, "satisfaction")
                              if r.figures.satisfaction is not None], ident="satisfaction", width=300),
    }
    for i, row in enumerate(view.rows):
        out[f"trend-{row.unit}"] = charts.sparkline_svg(
            f"{row.name}各月收到件数：" + "，".join(f"{m} {n} 件" for m, n in row.by_month.items()),
            list(row.by_month.values()), ident=f"trend-{i}")
    return out

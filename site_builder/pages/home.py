"""The home page (首页) and the survey pages: what is new, what takes effect, what is open now."""

from __future__ import annotations

import datetime as dt

from ..loader import ContentSet
from ..models import Kind
from .common import Page, cn_date, esc, link, md_text, validity_badge
from .listings import consultation_state

RECENT_DAYS = 90
QUESTION_TYPE_LABELS = {"single": "单选", "multiple": "多选", "scale": "量表", "text": "文字", "number": "数字"}


def home_page(content: ContentSet) -> Page:
    uri = "index.md"
    today = content.today
    lines = ["---", "title: 首页", "hide: [navigation, toc]", "---", "",
             '<div class="portal-home" markdown>', "",
             '<nav class="portal-entry" aria-label="办事入口" markdown>', "",
             "[我要信访](petition/index.md){ .md-button .md-button--primary } "
             "[办理进度查询](petition/track/index.md){ .md-button } "
             "[意见反馈](feedback/index.md){ .md-button }", "", "</nav>", ""]

    news = content.of_kind(Kind.news)[:6]
    lines += ["## 新闻要闻", ""]
    lines += [f"- [{md_text(d.meta.title)}]({link(uri, d.path)}) <span class=\"portal-meta\">{cn_date(d.meta.date)}</span>"
              for d in news] or ["暂无新闻。"]
    lines += ["", "[更多新闻](news/index.md)", ""]

    regulations = content.of_kind(Kind.regulation) + content.of_kind(Kind.policy)
    soon = sorted((d for d in regulations if today < d.meta.effective <= today + dt.timedelta(days=RECENT_DAYS)),
                  key=lambda d: d.meta.effective)
    recent = sorted((d for d in regulations
                     if today - dt.timedelta(days=RECENT_DAYS) <= d.meta.effective <= today),
                    key=lambda d: d.meta.effective, reverse=True)
    for heading, docs in (("即将施行", soon), ("近期施行", recent)):
        lines += [f"## {heading}", ""]
        lines += [f"- [{md_text(d.meta.title)}]({link(uri, d.path)}) {validity_badge(d.validity)} "
                  f"<span class=\"portal-meta\">{cn_date(d.meta.effective)}施行</span>" for d in docs[:8]] \
            or [f"{RECENT_DAYS} 天内没有{heading}的文件。"]
        lines.append("")

    lines += ["## 正在征求意见", ""]
    open_drafts = [d for d in content.of_kind(Kind.consultation) if consultation_state(content, d) == "征求中"]
    lines += [f"- [{md_text(d.meta.title)}]({link(uri, d.path)}) <span class=\"portal-meta\">"
              f"{cn_date(d.meta.closes)}截止</span>" for d in sorted(open_drafts, key=lambda d: d.meta.closes)] \
        or ["目前没有正在征求意见的草案。"]
    lines += ["", "## 网络调查", ""]
    open_surveys = [(sid, s) for sid, s in content.surveys.items() if s.opens <= today <= s.closes]
    lines += [f"- [{md_text(s.title)}](surveys/{sid}.md) <span class=\"portal-meta\">{cn_date(s.closes)}截止</span>"
              for sid, s in sorted(open_surveys, key=lambda p: p[1].closes)] or ["目前没有进行中的网络调查。"]
    lines += ["", "</div>", ""]
    return Page(uri, "\n".join(lines))


def survey_pages(content: ContentSet) -> list[Page]:
    pages = []
    index = ["# 网络调查", ""]
    for sid, survey in sorted(content.surveys.items(), key=lambda p: p[1].opens, reverse=True):
        state = "未开始" if content.today < survey.opens else "进行中" if content.today <= survey.closes else "已结束"
        index.append(f"- [{md_text(survey.title)}]({sid}.md)（{state}，{cn_date(survey.opens)}至{cn_date(survey.closes)}）")
        unit = content.org[content.org.resolve(survey.unit)]
        lines = [f"# {esc(survey.title)}", "",
                 f'<p class="portal-meta">{state} · {cn_date(survey.opens)}至{cn_date(survey.closes)} · {esc(unit.organ)}</p>',
                 "", esc(survey.description), ""]
        if state == "进行中":  # the form below lists the questions itself
            pages.append(Page(f"surveys/{sid}.md", "\n".join(lines) + "\n"))
            continue
        lines += ["## 调查题目", "", "<ol>"]
        for q in survey.questions:
            extra = []
            if q.options:
                extra.append("选项：" + "、".join(esc(o) for o in q.options))
            if q.max_choices:
                extra.append(f"最多选 {q.max_choices} 项")
            if q.min is not None or q.max is not None:
                extra.append(f"范围 {q.min if q.min is not None else '不限'}–{q.max if q.max is not None else '不限'}")
            if q.show_if:
                extra.append(f"仅当第 {next(i for i, o in enumerate(survey.questions) if o.id == q.show_if.question) + 1} "
                             f"题回答“{esc(q.show_if.equals)}”时作答")
            required = "（必答）" if q.required else ""
            lines.append(f"<li><p>{esc(q.text)}{required} <span class=\"portal-meta\">{QUESTION_TYPE_LABELS[q.type]}"
                         f"{'；' + '；'.join(extra) if extra else ''}</span></p></li>")
        lines.append("</ol>")
        pages.append(Page(f"surveys/{sid}.md", "\n".join(lines) + "\n"))
    pages.append(Page("surveys/index.md", "\n".join(index if len(index) > 2 else index + ["暂无网络调查。"]) + "\n"))
    return pages

"""`portal new KIND 标题`: a new file with every front-matter field present and explained.

What only the editor can know is written as a placeholder (`【请填写…】`), which `portal check`
reports until it is replaced: a scaffold cannot be published unchanged. Files are named by the
China date (see `china_time.china_today`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .loader import SLUG
from .placeholders import placeholder

_ISSUER = placeholder("制定机关")
_UNIT = placeholder("单位")
_SUMMARY = placeholder("摘要")
_DRAFT = 'draft: false            # true：草稿，只检查、不发布；写好后改为 false\n'


def _normative(title: str, today: dt.date, level: bool) -> str:
    level_line = f"level: {placeholder('效力位阶')}   # 党章 准则 条例 规定 办法 规则 细则 / 决定 意见 通知\n" if level else ""
    return f"""---
title: {title}
doc_number: null        # 文号，如 冀发〔{today.year}〕1号；没有文号时保留 null
issuer: {_ISSUER}   # org/units.yaml 中的单位代码、单位名称或机关名称，如 中共河北省委
{level_line}published: {today}    # 公布日期
effective: {today}    # 施行日期（不早于公布日期）
category: {placeholder('类别')}      # 如 党的组织建设
tags: []
summary: {_SUMMARY}     # 一两句话，显示在列表和搜索结果中；不要摘要时写 ""
amends: []              # 本文件修改的文件，如 [regulations/xxx.md]
repeals: []             # 本文件废止的文件
{_DRAFT}---
"""


def _regulation(title: str, today: dt.date) -> str:
    return _normative(title, today, level=True) + f"""
## 第一章　总则

第一条　{placeholder("第一条的内容")}

第二条　{placeholder("第二条的内容")}
"""


def _policy(title: str, today: dt.date) -> str:
    return _normative(title, today, level=False) + f"\n## 一、总体要求\n\n{placeholder('正文')}\n"


def _news(title: str, today: dt.date) -> str:
    return f"""---
title: {title}
date: {today}
categories: [要闻]      # 要闻 / 基层动态 / 通知公告
unit: {_UNIT}        # 发布单位；不写时删除这一行
summary: {_SUMMARY}     # 列表中显示的摘要
tags: []
{_DRAFT}---
{placeholder("导语：第一段写清时间、地点、事件")}

{placeholder("正文")}
"""


def _consultation(title: str, today: dt.date) -> str:
    closes = today + dt.timedelta(days=30)
    return f"""---
title: {title}
unit: {_UNIT}        # 负责征求意见的单位
opens: {today}        # 开始接收意见的日期
closes: {closes}       # 截止日期（含当日）
summary: {_SUMMARY}
tags: []
{_DRAFT}---
为广泛听取意见，现将草案全文公布，欢迎社会各界提出意见建议。

## 第一章　总则

第一条　{placeholder("第一条的内容")}
"""


def _survey(title: str, today: dt.date) -> str:
    closes = today + dt.timedelta(days=30)
    return f"""title: {title}
unit: {_UNIT}
opens: {today}
closes: {closes}
description: {placeholder("调查说明")}
questions:
  - id: q1                # 题目编号：小写字母开头，字母数字下划线
    text: {placeholder("题目，如：您的身份是？")}
    type: single          # single 单选 / multiple 多选 / scale 量表 / text 文字 / number 数字
    required: true
    options: [普通群众, 党员, 其他]
"""


def _congress(title: str, today: dt.date) -> str:
    return f"""---
title: {title}   # 大会名称，如 中国共产党河北省第十次代表大会
unit: {_UNIT}        # 召开大会的单位：org/units.yaml 中的单位代码、名称或机关名称
delegates: {placeholder("代表人数")}   # 代表人数，写数字，如 750
sessions:               # 会议安排，按时间先后排列
  - name: {placeholder("会议名称，如：第一次全体会议")}
    opens: {today}    # 开始日期
    closes: {today}   # 结束日期（不早于开始日期）
    place: {placeholder("会议地点")}
documents: []           # 大会文件：- type: 报告（或 决议）  path: news/posts/xxx.md（本站已发布的文件）
summary: {_SUMMARY}
tags: []
{_DRAFT}---
{placeholder("大会概况：召开时间、主要议程和选举情况")}
"""


def _research(title: str, today: dt.date) -> str:
    return f"""---
title: {title}
unit: {_UNIT}        # 开展调研的单位
date: {today}         # 调研成果完成日期
topic: {placeholder("调研主题，如：基层治理")}
summary: {_SUMMARY}     # 成果摘要，显示在列表和搜索结果中
related: []             # 相关法规政策，如 [regulations/xxx.md, policies/yyy.md]
tags: []
{_DRAFT}---
## 一、调研基本情况

{placeholder("调研的时间、范围和方法")}

## 二、主要发现和建议

{placeholder("正文")}
"""


KINDS = {"regulation": ("regulations", ".md", _regulation), "policy": ("policies", ".md", _policy),
         "news": ("news/posts", ".md", _news), "consultation": ("consultations", ".md", _consultation),
         "survey": ("surveys", ".yaml", _survey), "congress": ("congresses", ".md", _congress),
         "research": ("research", ".md", _research)}


def write_new(content_dir: Path, kind: str, title: str, slug: str | None, today: dt.date) -> Path:
    folder, suffix, render = KINDS[kind]
    title = title.strip()
    if not 2 <= len(title) <= 120:
        raise ValueError("标题应为 2 至 120 个字符")
    target_dir = Path(content_dir) / folder
    if slug is None:
        n = 1
        while (target_dir / f"{today:%Y%m%d}-{n}{suffix}").exists():
            n += 1
        slug = f"{today:%Y%m%d}-{n}"
    if not SLUG.match(slug):
        raise ValueError("文件名只能使用小写字母、数字、- 和 _")
    path = target_dir / f"{slug}{suffix}"
    if path.exists():
        raise FileExistsError(f"{path} 已存在")
    target_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(render(json.dumps(title, ensure_ascii=False), today), encoding="utf-8")
    return path

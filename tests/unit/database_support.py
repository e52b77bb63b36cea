"""Content of the committees' databases written for the tests, on top of the fixture content: two
congresses (province and city) whose report and resolution are news posts, and two research reports
linked to the fixture's regulations and policy."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURE_CONTENT

FILES = {
    "news/posts/shengdaihui-baogao.md": """---
title: 省第十次党代会工作报告摘要
date: 2026-04-21
categories: [通知公告]
unit: 河北省
---
报告回顾了五年来的工作。
""",
    "news/posts/shengdaihui-jueyi.md": """---
title: 省第十次党代会关于省委报告的决议
date: 2026-04-24
categories: [通知公告]
unit: 河北省
---
大会批准省委报告。
""",
    "congresses/sheng-shi.md": """---
title: 中国共产党河北省第十次代表大会
unit: 河北省
delegates: 760
sessions:
  - name: 预备会议
    opens: 2026-04-20
    closes: 2026-04-20
    place: 河北会堂
  - name: 大会
    opens: 2026-04-21
    closes: 2026-04-24
    place: 河北会堂
documents:
  - type: 决议
    path: news/posts/shengdaihui-jueyi.md
  - type: 报告
    path: news/posts/shengdaihui-baogao.md
summary: 大会选举新一届省委委员会。
---
大会听取和审议省委工作报告，选举新一届委员会。
""",
    "congresses/shijiazhuang-shiyi.md": """---
title: 中国共产党石家庄市第十一次代表大会
unit: 中共石家庄市委
delegates: 420
sessions:
  - name: 大会
    opens: 2025-03-10
    closes: 2025-03-12
    place: 石家庄市会议中心
---
大会听取和审议市委工作报告。
""",
    "research/jiguan-dangjian-diaoyan.md": """---
title: 关于机关党建工作办法执行情况的调研报告
unit: 石家庄市
date: 2026-05-10
topic: 机关党建
summary: 调研机关党支部按办法开展组织生活的情况。
related: [regulations/jiguan-banfa-2021.md]
---
## 一、调研基本情况

调研组走访了十个机关党支部，查阅了组织生活记录。
""",
    "research/rencai-diaoyan.md": """---
title: 保定市基层人才队伍状况调研报告
unit: 保定市
date: 2025-08-01
topic: 人才工作
related: [policies/rencai-2024.md, regulations/zuzhi-gongzuo-2026.md]
---
基层人才引得进、留得住的问题仍然突出，建议完善激励办法。
""",
}


def write_database_content(target: Path) -> Path:
    """The fixture content plus FILES, at `target`."""
    shutil.copytree(FIXTURE_CONTENT, target)
    for rel, text in FILES.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target

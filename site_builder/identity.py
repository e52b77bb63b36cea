"""The site's identity (content/site.yaml): who runs the site, how to reach them, its filing numbers.

Set once by the editors, checked by `portal check` like every other content file, shown in the
footer of every page, on 网站地图 and in 隐私声明. The ICP and public-security filing numbers are
optional and link to their registries only when given.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints

from .models import NonEmpty, Strict

SITE_FILE = "site.yaml"
ICP_REGISTRY = "https://beian.miit.gov.cn/"
POLICE_REGISTRY = "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode={code}"

Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9][0-9 ()（）-]{4,24}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")]
# 冀ICP备12345678号 or 冀ICP备12345678号-1
Icp = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\u4e00-\u9fa5]ICP备\d{6,10}号(-\d{1,3})?$")]
# 冀公网安备 13010202000001号
Police = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\u4e00-\u9fa5]公网安备 ?\d{14}号$")]
SiteCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{10}$")]
Emblem = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_/-]+\.(png|svg|jpg)$")]


class Contact(Strict):
    address: NonEmpty  # 通信地址
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None  # 邮政编码
    phone: Phone | None = None  # 联系电话
    email: Email | None = None  # 电子邮箱


class SiteIdentity(Strict):
    """content/site.yaml."""

    sponsor: NonEmpty  # 主办单位
    organizer: NonEmpty | None = None  # 承办单位
    contact: Contact
    icp: Icp | None = None  # ICP 备案号
    police: Police | None = None  # 公安机关备案号
    site_code: SiteCode | None = None  # 网站标识码
    emblem: Emblem | None = None  # 标识图片，content/ 下的路径；不填则显示中性标志
    emblem_alt: str = Field(default="", max_length=60)  # 图片的文字说明

    @property
    def police_link(self) -> str | None:
        if self.police is None:
            return None
        return POLICE_REGISTRY.format(code=re.sub(r"\D", "", self.police))

    def for_theme(self) -> dict:
        """What the theme's footer reads (config.extra.identity)."""
        data = self.model_dump()
        data["icp_link"] = ICP_REGISTRY if self.icp else None
        data["police_link"] = self.police_link
        return data


# Field names as editors see them (for messages about content/site.yaml).
LABELS = {"sponsor": "主办单位", "organizer": "承办单位", "contact": "联系方式", "address": "通信地址",
          "postcode": "邮政编码", "phone": "联系电话", "email": "电子邮箱", "icp": "ICP 备案号",
          "police": "公安机关备案号", "site_code": "网站标识码", "emblem": "标识图片"}

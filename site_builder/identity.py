"""The site's identity (content/site.yaml): who runs the site, how to reach them, its filing numbers.

Set once by the editors, checked by `portal check` like every other content file, shown in the
footer of every page, on 网站地图 and in 隐私声明. The ICP and public-security filing numbers are
optional and link to their registries only when given.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from .models import NonEmpty, Strict

SITE_FILE = "site.yaml"
ICP_REGISTRY = "https://beian.miit.gov.cn/"
POLICE_REGISTRY = "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode={code}"

def _shaped(pattern: str, message: str):
    """A text field that must match `pattern`; otherwise `message` (Chinese, with an example)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check)]


Phone = _shaped(r"[0-9][0-9 ()（）-]{4,24}", "联系电话只能填数字、空格和“-”，例如 0311-87654321")
Email = _shaped(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}", "电子邮箱格式不对，例如 webmaster@example.org.cn")
Postcode = _shaped(r"\d{6}", "邮政编码是 6 位数字，例如 050000")
Icp = _shaped(r"[\u4e00-\u9fa5]ICP备\d{6,10}号(-\d{1,3})?",
              "ICP 备案号应照备案通知填写，例如 冀ICP备12345678号 或 冀ICP备12345678号-1")
Police = _shaped(r"[\u4e00-\u9fa5]公网安备 ?\d{14}号",
                 "公安机关备案号应照备案通知填写，例如 冀公网安备 13010202000001号（14 位数字）")
SiteCode = _shaped(r"\d{10}", "网站标识码是 10 位数字")
Emblem = _shaped(r"[A-Za-z0-9_/-]+\.(png|svg|jpg)", "标识图片应为 content/ 下的 PNG、SVG 或 JPG 文件路径，例如 assets/emblem.png")

class Contact(Strict):
    address: NonEmpty  # 通信地址
    postcode: Postcode | None = None  # 邮政编码
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


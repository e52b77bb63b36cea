"""Personal details found in text the public wrote, masked before anything of it is published
(留言选登, adoption reports). Detection errs on the side of masking: a staff member reviews the
result side by side with the original and may restore what was masked by mistake."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "［已隐去］"
_PATTERNS = [
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),  # e-mail
    re.compile(r"(?<![\dA-Za-z])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dA-Za-z])"),  # 身份证号
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"),  # landline with area code
    # An address down to a building or a house: 某某路12号, 某某小区3栋2单元501室, 某某村3组.
    re.compile(r"[\u4e00-\u9fa5]{2,12}(?:路|街|大道|巷|胡同|小区|花园|家园|公寓|村|社区)[\u4e00-\u9fa5]{0,6}?"
               r"(?:\d+[\d-]*\s*(?:号院|号楼|号|栋|幢|单元|层|室|组|排|户))+"),
]
# "我叫王小明", "本人张三", "姓名：李四": a name the writer gives for themselves.
_SELF_NAMED = re.compile(r"(?:我叫|我是|本人|姓名[:：]?\s*|联系人[:：]?\s*)([\u4e00-\u9fa5]{2,4})")


def redact(text: str, names: Iterable[str] = ()) -> str:
    """The text with contact data, ID numbers, street addresses and the given names masked."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return _SELF_NAMED.sub(lambda m: m.group(0)[: len(m.group(0)) - len(m.group(1))] + MASK, text)


def mask_personal_data(text: str) -> str:
    """Contact data and ID numbers only (for texts where no name is known)."""
    return redact(text)

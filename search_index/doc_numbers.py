"""文号 as a lookup key, in every spelling people type: 冀发〔2024〕7号, 冀发[2024]7号, 冀发2024 7号,
冀发〔2024〕07号, 冀发2024年7号, 冀发〔2024〕7, full-width digits — all the key 冀发2024-7.
Built on `site_builder.models.normalize_doc_number` (the one normalisation of 文号), which strips the
brackets, spaces, 第 and 号; here the 年 after the year and leading zeros of the serial go too."""

from __future__ import annotations

import re
import unicodedata

from site_builder.models import normalize_doc_number

_SHAPE = re.compile(r"^([\u4e00-\u9fffA-Z]{1,12}?)((?:19|20)\d\d)年?(\d{0,6})$")


def doc_number_key(text: str) -> tuple[str, bool] | None:
    """(key, complete) for text shaped like a 文号: complete with a serial number (冀发2024-7),
    else organ and year only (冀发2024-, a prefix of that year's keys). None if not a 文号."""
    for quote in '"“”':
        text = text.replace(quote, "")
    normal = normalize_doc_number(unicodedata.normalize("NFKC", text))
    match = _SHAPE.match(normal)
    if not match:
        return None
    organ, year, serial = match.groups()
    return (f"{organ}{year}-{int(serial)}", True) if serial else (f"{organ}{year}-", False)


def index_key(doc_number: str) -> str:
    """The key a document is found under: its 文号's key, or the normalised text if unusual."""
    found = doc_number_key(doc_number)
    if found and found[1]:
        return found[0]
    return normalize_doc_number(unicodedata.normalize("NFKC", doc_number))

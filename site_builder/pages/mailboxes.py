"""领导信箱: one page listing the mailboxes units have opened, one page per mailbox with its form
(the petition form, limited to 建议意见 and 咨询 and to the mailbox's unit)."""

from __future__ import annotations

from ..loader import ContentSet
from .common import Page, esc, md_text

INTRO = ("各级党委为主要负责同志开设领导信箱，听取群众的意见建议。来信按建议意见办理，"
         "受理编号和查询码的用法与“我要信访”相同；同意公开的，答复后可能在“留言选登”中刊出（不公开姓名和联系方式）。")


def mailbox_pages(content: ContentSet) -> list[Page]:
    index = ["# 领导信箱", "", INTRO, "", '<p><a href="/messages/">查看留言选登</a></p>', ""]
    if not content.mailboxes:  # the page is in the nav, so it exists even before any unit opens one
        index.append("目前还没有单位开设领导信箱。您可以通过[我要信访](../petition/index.md)提出建议意见。")
    pages = []
    for box in sorted(content.mailboxes.values(), key=lambda b: (len(content.org.path(b.unit)), b.unit, b.id)):
        unit = content.org[box.unit]
        index.append(f"- [{md_text(box.name)}]({box.id}.md)（{esc(unit.organ)}）")
        pages.append(Page(f"mailboxes/{box.id}.md",
                          f"# {esc(box.name)}\n\n<p class=\"portal-meta\">{esc(unit.organ)}</p>\n\n{esc(box.description)}\n"))
    return [Page("mailboxes/index.md", "\n".join(index) + "\n"), *pages]

"""The site's identity (content/site.yaml) is checked by `portal check` like any content file."""

from __future__ import annotations

import pytest

from site_builder.identity import SiteIdentity
from tests.unit.test_editor_errors import edit, run_check


@pytest.mark.parametrize("old, new, expected", [
    ("icp: 冀ICP备12345678号-2", "icp: 冀ICP12345678",
     "site.yaml:9: icp: ICP 备案号应照备案通知填写，例如 冀ICP备12345678号 或 冀ICP备12345678号-1"),
    ("police: 冀公网安备 13010202000123号", "police: 冀公网安备 1301号",
     "site.yaml:10: police: 公安机关备案号应照备案通知填写，例如 冀公网安备 13010202000001号（14 位数字）"),
    ('site_code: "1300000099"', 'site_code: "13000"', "site.yaml:11: site_code: 网站标识码是 10 位数字"),
    ("  phone: 0311-87654321", "  phone: 请拨打",
     "site.yaml:7: contact.phone: 联系电话只能填数字、空格和“-”，例如 0311-87654321"),
    ("sponsor: 中共河北省委组织部", "sponsr: 中共河北省委组织部", "site.yaml:2: "),
    ("site_code:", "emblem: assets/emblem.png\nsite_code:", "site.yaml:11: emblem: 标识图片“assets/emblem.png”不存在"),
])
def test_a_wrong_identity_field_is_reported_at_its_line(content_copy, capsys, old, new, expected):
    edit(content_copy / "site.yaml", old, new)
    code, errors = run_check(content_copy, capsys)
    assert code == 1
    assert expected in errors or any(line.startswith(expected) for line in errors), errors


def test_a_site_without_an_identity_file_still_checks(content_copy, capsys):
    (content_copy / "site.yaml").unlink()
    assert run_check(content_copy, capsys) == (0, [])


def test_filing_numbers_link_to_their_registries_only_when_given():
    given = SiteIdentity.model_validate({"sponsor": "中共某某委员会", "contact": {"address": "某某路 1 号"},
                                         "icp": "冀ICP备12345678号", "police": "冀公网安备 13010202000123号"})
    assert given.for_theme()["icp_link"] == "https://beian.miit.gov.cn/"
    assert given.for_theme()["police_link"] == \
        "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=13010202000123"
    bare = SiteIdentity.model_validate({"sponsor": "中共某某委员会", "contact": {"address": "某某路 1 号"}})
    assert (bare.for_theme()["icp_link"], bare.for_theme()["police_link"]) == (None, None)

"""Party bodies (党委部门) are units like any other: they issue documents (listings, unit pages,
search facets), receive and handle petitions within the province's scope, and are not offered as a
place where a survey respondent lives."""

from __future__ import annotations

import shutil

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION
from functions.domain.errors import NotFoundError
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.services import casework, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from search_index.engine import open_engine
from search_index.indexer import build_index
from search_index.request import parse_request
from site_builder.forms import petition_form, survey_form
from site_builder.loader import load_content
from site_builder.pages.listings import listing_pages
from site_builder.registry import Registry
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY
from tests.contexts import memory_context

ORGANISATION_DEPARTMENT = ('  - code: "130000902"\n    name: 河北省委组织部\n    organ: 中共河北省委组织部\n'
                           '    level: party_body\n    parent: "130000"\n')


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("party") / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    units = root / "org" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + ORGANISATION_DEPARTMENT, encoding="utf-8")
    regulation = root / "regulations" / "zuzhi-gongzuo-2026.md"
    regulation.write_text(regulation.read_text(encoding="utf-8").replace("issuer: 河北省", "issuer: 中共河北省委组织部"),
                          encoding="utf-8")
    return load_content(root, FIXTURE_TODAY)


@pytest.fixture(scope="module")
def pages(content) -> dict[str, str]:
    return {page.src_uri: page.markdown for page in listing_pages(content)}


def test_a_document_issued_by_the_organisation_department_names_it_as_issuer(content):
    doc = content.documents["regulations/zuzhi-gongzuo-2026.md"]
    assert doc.unit == "130000902"


def test_the_issuer_listing_and_the_unit_page_show_the_party_body(pages):
    assert "中共河北省委组织部" in pages["regulations/index.md"]
    assert "基层组织工作规定（2026年修订）" in pages["regulations/issuer/130000902/index.md"]
    unit_page = pages["units/130000902/index.md"]
    assert "党委部门，单位代码 130000902，发文机关：中共河北省委组织部。" in unit_page
    assert "上级单位：[河北省]" in unit_page and "基层组织工作规定（2026年修订）" in unit_page
    assert "河北省委组织部" in pages["units/130000/index.md"]  # listed among the province's units
    assert "省级单位，行政区划代码 130000" in pages["units/130000/index.md"]


def test_search_filters_and_counts_documents_by_the_party_body(content, tmp_path):
    build_index(content, tmp_path / "search-index")
    engine = open_engine(tmp_path / "search-index")
    by_issuer = engine.search(parse_request({"issuer": "中共河北省委组织部"}))
    assert [hit.url for hit in by_issuer.hits] == ["/regulations/zuzhi-gongzuo-2026/"]
    everything = engine.search(parse_request({"type": "regulation", "size": "50"}))
    assert {f.label: f.count for f in everything.facets["issuer"]}["中共河北省委组织部"] == 1
    in_province = engine.search(parse_request({"unit": "130000", "size": "50"}))
    assert "/regulations/zuzhi-gongzuo-2026/" in [hit.url for hit in in_province.hits]


@pytest.fixture
def ctx(content) -> PortalContext:
    return memory_context(Registry.from_content(content))


PROVINCE = Staff("province", "省审核员", "130000", Role.approver)
DEPARTMENT = Staff("zuzhibu", "组织部办理员", "130000902", Role.handler)
CITY = Staff("city", "市审核员", "130100", Role.approver)


def test_the_province_assigns_a_petition_to_its_organisation_department_which_answers_it(ctx):
    receipt = petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": "130000", "subject": "关于发展党员公示的建议",
         "body": "建议发展对象公示期间公开监督电话。", "contact": {"name": "张三", "mobile": "13800138000"}}))

    def act(staff, action, **inputs):
        version = ctx.store.get(COLLECTION, receipt.reference).version
        casework.act(ctx, staff, receipt.reference, action, version, ActionInput(**inputs))

    act(PROVINCE, "accept")
    act(PROVINCE, "assign", target_unit="130000902")
    assert [r.unit for r in casework.queue_rows(ctx, DEPARTMENT, "all", None, None)[0]] == ["河北省委组织部"]
    assert [r.reference for r in casework.queue_rows(ctx, PROVINCE, "all", "130000902", None)[0]] == [receipt.reference]
    assert casework.queue_rows(ctx, CITY, "all", None, None)[0] == []
    with pytest.raises(NotFoundError):
        casework.case_detail(ctx, CITY, receipt.reference)
    act(DEPARTMENT, "start")
    act(DEPARTMENT, "reply", reply="已在公示通知中增加监督电话。")
    status = petitions.petition_status(ctx, receipt.reference, receipt.query_code)
    assert status.handling_unit == "河北省委组织部" and status.reply.text == "已在公示通知中增加监督电话。"


def test_the_public_may_write_to_a_party_body_but_no_one_lives_in_one(content):
    assert ">　中共河北省委组织部</option>" in petition_form(content.org)
    survey = survey_form("manyidu", content.surveys["manyidu"], content.org)
    assert "中共河北省委组织部" not in survey and "中共正定县委</option>" in survey

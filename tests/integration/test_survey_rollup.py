"""Survey results roll up through the tree: a city sees its own and its counties' respondents together,
`?unit=` shows one unit's subtree, and staff of a county see the province's survey with only their
county's answers (on the page, in the list of surveys and in the export).

Fixture org: 河北省 130000 → 石家庄市 130100 → 正定县 130123; 河北省 → 保定市 130600 → 竞秀区 130602.
The survey 党务公开满意度调查 is run by 河北省."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.review_support import PASSWORD, Browser, signed_in

# (respondent's unit, answers): written out by hand, the expectations below are counted from these.
ANSWERS = [("130100", {"role": "党员", "score": 5, "reason": "公开及时"}),
           ("130123", {"role": "群众", "score": 4}),
           ("130123", {"role": "群众", "score": 2}),
           ("130602", {"role": "党员", "score": 3, "reason": "还可以"})]


@pytest.fixture
def answered(portal_env, built_fixture):
    from portal.server import create_app

    ctx, clock = portal_env
    app = create_app(built_fixture)
    for n, (unit, answers) in enumerate(ANSWERS):
        person = Browser(app, address=f"10.0.0.{n + 1}")
        token = person.get("/api/surveys/manyidu/token").json()["token"]
        sent = person.post("/api/surveys/manyidu/responses", json={"respondent_token": token, "unit": unit,
                                                                 "answers": answers},
                           headers={"Idempotency-Key": str(uuid.uuid4())})
        assert sent.status_code == 201, sent.text
    for name, unit in (("province", "130000"), ("city", "130100"), ("county", "130123")):
        accounts.add_staff(ctx.store, name, name, unit, Role.approver, PASSWORD, "test", ctx.clock())

    def staff(name: str) -> Browser:
        return signed_in(app, name)

    return staff


def responses(page: str) -> int:
    assert "份答卷" in page, page[-3000:]
    return int(re.search(r"共 (\d+) 份答卷", page).group(1))


def option_count(page: str, question: str, option: str) -> int:
    section = page.split(f". {question}</h2>", 1)[1].split("</section>", 1)[0]
    return int(re.search(rf"<td>{option}</td><td>(\d+)</td>", section).group(1))


def tabs(page: str) -> list[str]:
    nav = page.split('aria-label="按地区（含下级单位）"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+（\d+）)</a>", nav)


def test_the_province_sees_every_answer_and_each_city_with_everything_below_it(answered):
    page = answered("province").get("/review/surveys/manyidu").text
    assert responses(page) == 4 and option_count(page, "您的身份是？", "群众") == 2
    assert tabs(page) == ["石家庄市（3）", "保定市（1）"]


def test_a_city_filter_adds_up_the_city_and_its_counties(answered):
    page = answered("province").get("/review/surveys/manyidu?unit=130100").text
    assert responses(page) == 3 and "石家庄市及其下级单位的答卷人" in page
    assert [option_count(page, "总体满意度", str(v)) for v in (2, 3, 4, 5)] == [1, 0, 1, 1]
    assert option_count(page, "您的身份是？", "党员") == 1 and option_count(page, "您的身份是？", "群众") == 2
    assert tabs(page) == ["石家庄市（1）", "正定县（2）"]  # the city's own respondents, then the next level


def test_staff_of_a_county_see_the_provinces_survey_with_only_their_countys_answers(answered):
    county = answered("county")
    assert "党务公开满意度调查" in county.get("/review/surveys").text
    page = county.get("/review/surveys/manyidu").text
    assert responses(page) == 2 and option_count(page, "您的身份是？", "群众") == 2
    assert option_count(page, "总体满意度", "3") == 0  # 竞秀区's answer is not theirs
    assert responses(county.get("/review/surveys/manyidu?unit=130602").text) == 2  # another county: ignored
    exported = county.download("/review/export/surveys/manyidu.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:]
    assert sorted(row[1] for row in rows if row and not row[0].startswith("合计")) == ["正定县", "正定县"]


def test_the_list_of_surveys_counts_what_each_person_can_see(answered):
    assert re.search(r"党务公开满意度调查.*? · (\d+) 份答卷", answered("city").get("/review/surveys").text, re.S).group(1) == "3"

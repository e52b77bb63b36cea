"""A person whose browser runs no JavaScript uses every form: plain POST, 303 to a receipt, and on
an error the same page again with everything they typed and the error beside the field."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from functions.domain.case import COLLECTION as PETITION
from functions.services.submissions import COMMENT
from tests.stored import stored, survey_counts

FORM = {"kind": "suggestion", "unit": "130123", "subject": "关于村级组织换届的建议",
        "body": "建议在换届前公开候选人的基本情况，方便群众了解和监督。",
        "contact.name": "李四", "contact.mobile": "13912345678", "idempotency_key": "", "website": ""}


def post_form(client, path: str, fields: dict | list, headers: dict | None = None):
    return client.post(path, content=urlencode(fields, doseq=True),
                       headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def test_the_petition_page_has_a_form_that_posts_without_javascript(api):
    client, _, _ = api
    html = client.get("/petition/").text
    start = html.index('<form class="portal-form"')
    form = html[start:html.index("</form>", start)]
    assert 'method="post" action="/forms/petition"' in form
    for name in ("kind", "unit", "subject", "body", "contact.name", "contact.mobile", "contact.id_number"):
        assert f'name="{name}"' in form
    assert '<label for="f-contact.mobile">' in form
    assert "<script" not in form and " on" not in form.replace(" onload", "")  # behaviour comes from forms.js
    assert 'src="../assets/forms.js"' in html


def test_a_petition_posted_without_javascript_ends_on_a_receipt_with_the_code(api):
    client, ctx, _ = api
    response = post_form(client, "/forms/petition", FORM)
    assert response.status_code == 303 and response.headers["location"] == "/forms/receipt"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/forms/receipt" in cookie
    [record] = stored(ctx, PETITION, "130123")
    receipt = client.get("/forms/receipt", headers={"Cookie": cookie.split(";")[0]})
    assert receipt.status_code == 200 and receipt.headers["cache-control"] == "no-store"
    assert record.key in receipt.text and "查询码只显示这一次" in receipt.text
    code = re.search(r"data-query-code>([^<]+)<", receipt.text).group(1)
    status = client.get(f"/api/petitions/{record.key}/status", headers={"X-Query-Code": code})
    assert status.status_code == 200
    assert code not in response.headers["location"]


def test_the_receipt_page_without_its_cookie_says_it_has_expired(api):
    client, _, _ = api
    response = client.get("/forms/receipt")
    assert response.status_code == 404 and "回执已失效" in response.text


def test_a_form_with_errors_comes_back_filled_in_with_each_error_beside_its_field(api):
    client, ctx, _ = api
    response = post_form(client, "/forms/petition", {**FORM, "contact.mobile": "123", "subject": "<b>加粗</b>的标题"})
    assert response.status_code == 422
    html = response.text
    assert 'value="&lt;b&gt;加粗&lt;/b&gt;的标题"' in html          # typed text kept, and inert
    assert "建议在换届前公开候选人的基本情况" in html
    assert 'id="f-contact.mobile" name="contact.mobile" aria-describedby="err-contact.mobile" aria-invalid="true"' in html
    assert re.search(r'<p class="portal-field-error" id="err-contact.mobile">手机号码应为 11 位数字', html)
    assert 'value="suggestion" checked' in html and 'value="130123" selected' in html
    assert "portal-error-summary" in html and '<a href="#f-contact.mobile">' in html
    assert "<title>" in html and "我要信访" in html  # the site's own page, not a bare error
    assert stored(ctx, PETITION, "130123") == []


def test_the_honeypot_field_stops_a_post_and_says_why(api):
    client, ctx, _ = api
    response = post_form(client, "/forms/petition", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 422 and "请勿填写此项" in response.text
    assert stored(ctx, PETITION, "130123") == []


def test_posting_the_same_form_twice_stores_one_petition(api):
    client, ctx, _ = api
    first = post_form(client, "/forms/petition", FORM)
    second = post_form(client, "/forms/petition", FORM)
    assert first.status_code == second.status_code == 303
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_a_comment_without_javascript_is_thanked_and_a_late_one_is_returned_with_its_text(api):
    client, ctx, clock = api
    fields = {"article": "第一条", "body": "建议明确公开的范围。", "idempotency_key": "", "website": ""}
    ok = post_form(client, "/forms/consultations/jiandu-banfa/comments", fields)
    assert ok.status_code == 303 and ok.headers["location"] == "/forms/thanks?comment"
    assert "感谢您对征求意见稿提出的意见" in client.get(ok.headers["location"]).text
    clock.set_day("2026-07-02")
    late = post_form(client, "/forms/consultations/jiandu-banfa/comments", {**fields, "body": "迟到的意见，内容仍然保留。"})
    assert late.status_code == 409 and "已于 2026-06-30 截止" in late.text and "迟到的意见，内容仍然保留。" in late.text
    assert len(stored(ctx, COMMENT, "130000")) == 1


def test_a_survey_without_javascript_is_answered_with_one_confirming_click(api):
    client, ctx, _ = api
    fields = [("respondent_token", ""), ("answers.role", "群众"), ("answers.channels", "网站"),
              ("answers.score", "4"), ("idempotency_key", ""), ("website", "")]
    first = post_form(client, "/forms/surveys/manyidu/responses", fields)
    assert first.status_code == 200 and "尚未提交" in first.text
    assert 'value="群众" checked' in first.text and 'value="4" data-number checked' in first.text  # kept
    token = re.search(r'name="respondent_token" value="([^"]+)"', first.text).group(1)
    fields[0] = ("respondent_token", token)
    response = post_form(client, "/forms/surveys/manyidu/responses", fields)
    assert response.status_code == 303, response.text
    assert survey_counts(ctx, "manyidu")["channels=网站"] == 1  # one ticked box still counts as a list
    assert post_form(client, "/forms/surveys/manyidu/responses", fields).status_code == 303  # a resend: the same one
    changed = [(name, "2" if name == "answers.score" else value) for name, value in fields]
    again = post_form(client, "/forms/surveys/manyidu/responses", changed)
    assert again.status_code == 409 and "已经提交过" in again.text
    assert survey_counts(ctx, "manyidu")["#responses"] == 1


def test_tracking_without_javascript_shows_the_status_or_one_neutral_message(api):
    client, _, _ = api
    post_form(client, "/forms/petition", FORM)
    receipt = client.post("/api/petitions", json={"kind": "accusation", "unit": "130123", "subject": "检举",
                                                  "body": "某村干部优亲厚友，违规发放补贴。"},
                          headers={"Idempotency-Key": "k" * 20}).json()
    found = post_form(client, "/forms/track", {"reference": receipt["reference"], "query_code": receipt["query_code"]})
    assert found.status_code == 200 and "已登记" in found.text and "正定县" in found.text
    wrong = post_form(client, "/forms/track", {"reference": receipt["reference"], "query_code": "2222-3333-4444"})
    assert wrong.status_code == 404 and "受理编号或查询码不正确" in wrong.text
    assert receipt["reference"] in wrong.text and "2222-3333-4444" not in wrong.text  # the code is not echoed


def test_a_rate_limited_form_post_gets_a_readable_page(api, monkeypatch):
    client, _, _ = api
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=1/60")
    post_form(client, "/forms/feedback", {"body": "第一条意见。"})
    response = post_form(client, "/forms/feedback", {"body": "第二条意见。"})
    assert response.status_code == 429 and "text/html" in response.headers["content-type"]
    assert "返回" in response.text and "秒后再试" in response.text


def test_every_page_links_to_feedback_about_itself(api):
    client, _, _ = api
    html = client.get("/regulations/zuzhi-gongzuo-2015/").text
    assert 'href="../../feedback/?page=/regulations/zuzhi-gongzuo-2015/"' in html
    assert 'feedback/?page=/"' in client.get("/").text


def test_feedback_without_javascript_takes_the_page_from_where_the_reader_came(api):
    from functions.services.submissions import FEEDBACK

    client, ctx, _ = api
    response = post_form(client, "/forms/feedback", {"body": "这一页的链接失效了。"},
                         headers={"Referer": "http://127.0.0.1/feedback/?page=/policies/rencai-2024/"})
    assert response.status_code == 303
    [record] = stored(ctx, FEEDBACK, "130000")
    assert record.data["page"] == "/policies/rencai-2024/"

"""The display modes without JavaScript: /forms/display keeps the choice in a cookie and returns to
the page; /forms/display.css sends each page the stylesheet of that choice. Bad settings are
refused in Chinese and change nothing."""

from __future__ import annotations

import pytest


def test_a_setting_is_kept_in_a_cookie_and_the_reader_returns_to_the_page(api):
    client, _, _ = api
    response = client.get("/forms/display?size=larger", headers={"Referer": "http://127.0.0.1/regulations/?page=2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/regulations/?page=2"
    assert "portal_display=larger;" in response.headers["set-cookie"]
    assert "Max-Age=31536000" in response.headers["set-cookie"]
    turned_on = client.get("/forms/display?contrast=toggle", headers={"Cookie": "portal_display=larger"})
    assert "portal_display=larger-contrast;" in turned_on.headers["set-cookie"]
    turned_off = client.get("/forms/display?contrast=toggle", headers={"Cookie": "portal_display=larger-contrast"})
    assert "portal_display=larger;" in turned_off.headers["set-cookie"]
    reset = client.get("/forms/display?reset=1", headers={"Cookie": "portal_display=larger-contrast-elder"})
    assert "portal_display=standard;" in reset.headers["set-cookie"]


@pytest.mark.parametrize("cookie, stylesheet", [
    (None, "/assets/display/variants/standard.css"),
    ("portal_display=large-elder", "/assets/display/variants/large-elder.css"),
    ("portal_display=larger-contrast-elder", "/assets/display/variants/larger-contrast-elder.css"),
    ("portal_display=../../etc", "/assets/display/variants/standard.css"),
])
def test_each_page_gets_the_stylesheet_of_the_chosen_mode(api, cookie, stylesheet):
    client, _, _ = api
    response = client.get("/forms/display.css", headers={"Cookie": cookie} if cookie else {})
    assert response.status_code == 302
    assert response.headers["location"] == stylesheet
    assert response.headers["cache-control"] == "no-store"
    assert client.get(stylesheet).status_code == 200  # built with the site


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example/", None, "javascript:alert(1)"])
def test_the_switch_never_sends_the_reader_to_another_site(api, referer):
    client, _, _ = api
    response = client.get("/forms/display?elder=on", headers={"Referer": referer} if referer else {})
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location


@pytest.mark.parametrize("query", ["size=huge", "contrast=maybe", "colour=red", "", "size=" + "x" * 5000])
def test_an_unknown_setting_is_refused_in_chinese_and_sets_nothing(api, query):
    client, _, _ = api
    response = client.get(f"/forms/display?{query}")
    assert response.status_code == 400
    assert "set-cookie" not in response.headers
    assert "显示设置" in response.text or "字号" in response.text or "高对比度" in response.text

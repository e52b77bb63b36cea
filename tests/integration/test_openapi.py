"""The API describes itself, and the committed description matches the code."""

from __future__ import annotations

import json

from functions.openapi import spec_json
from tests.conftest import ROOT


def test_the_committed_openapi_document_matches_the_code():
    committed = (ROOT / "docs/openapi.json").read_text(encoding="utf-8")
    assert committed == spec_json(), "docs/openapi.json is stale: run `portal openapi > docs/openapi.json`"


def test_the_document_is_served_and_lists_every_public_endpoint(api):
    client, _, _ = api
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.text)["paths"]
    assert {"/api/search", "/api/petitions", "/api/petitions/{reference}/status", "/api/petitions/{reference}/rating",
            "/api/petitions/{reference}/review-request", "/api/feedback", "/api/consultations/{consultation_id}/comments",
            "/api/surveys/{survey_id}/responses", "/api/uploads"} <= set(paths)
    assert "PetitionIn" in response.text and "检索" in response.text

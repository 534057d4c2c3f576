"""The SPV routes through the gateway with real tokens: OAuth round trip, submit, submissions, lookup."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import sqlalchemy as sa

from genius.apps.sales.spv.oauth import AnafAccess
from genius.integrations.anaf.tokens import anaf_oauth_tokens
from genius.workers import anaf_efactura, anaf_taxpayer
from tests.apps.sales.spv.conftest import Anaf, Client, authorize_through_the_api, issue, run_queued

API = "/api/v1/sales"


def test_oauth_round_trip_stores_the_grant_sealed_and_reports_its_expiry(spv: Client) -> None:
    assert spv.call("GET", "/anaf/status", 200)["status"] == "not_authorized"
    authorized = authorize_through_the_api(spv)
    assert authorized["status"] == "valid" and authorized["cui"] == "18547290"
    status = spv.call("GET", "/anaf/status", 200)
    assert status["warning"] is None and status["refresh_expires_at"] > status["access_expires_at"]
    access = AnafAccess.of(spv.gateway.platform)
    stored = access.store(spv.world.ctx).load("18547290")
    assert stored is not None
    engine = spv.gateway.platform.databases.engine_for_slug(spv.world.tenant.slug)
    with engine.connect() as conn:  # sealed: the token's text is not in the row
        raw = conn.execute(sa.select(anaf_oauth_tokens.c.access_token_sealed)).scalar_one()
    assert stored.tokens.access_token.encode()[:40] not in bytes(raw)
    # 30 days (anaf_token_warn_days) before the refresh token ends, the status warns.
    later = stored.tokens.refresh_expires_at - timedelta(days=20)
    warned = access.status(spv.world.ctx, now=later)
    assert warned.status == "reauthorize_soon" and "authorize again" in (warned.warning or "")


def test_a_forged_or_missing_state_is_refused_without_touching_any_tenant(spv: Client) -> None:
    for query in ("code=abc&state=forged.state", "code=abc", "error=access_denied&state=x.y"):
        response = spv.gateway.client.get(f"{API}/anaf/callback?{query}")
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "anaf_state_invalid"
    assert spv.call("GET", "/anaf/status", 200)["status"] == "not_authorized"


def test_the_token_refresh_keeps_the_new_refresh_token(spv: Client, anaf: Anaf) -> None:
    authorize_through_the_api(spv)
    platform = spv.gateway.platform
    access = AnafAccess.of(platform)
    before = access.store(spv.world.ctx).load("18547290")
    assert before is not None
    platform.settings.anaf_token_refresh_days = 100  # the 90-day token is now due
    assert access.refresh(spv.world.ctx) == "refreshed"
    after = access.store(spv.world.ctx).load("18547290")
    assert after is not None and after.tokens.refresh_token != before.tokens.refresh_token
    assert after.version == before.version + 1
    # ANAF revoked the old refresh token: the next refresh works only with the stored new one.
    assert access.refresh(spv.world.ctx) == "refreshed"


def test_submit_answers_202_and_the_worker_settles_what_the_submissions_show(spv: Client, anaf: Anaf) -> None:
    authorize_through_the_api(spv)
    invoice_id, number = issue(spv.world)
    started = spv.call("POST", f"/invoices/{invoice_id}/submit", 202)
    assert (started["attempt"], started["state"], started["b2c"]) == (1, "pending", False)
    job = spv.gateway.client.get(f"/api/v1/jobs/{started['job_id']}", headers=spv.headers).json()
    assert job["state"] == "queued" and job["tag"] == "anaf.efactura"
    conflict = spv.call("POST", f"/invoices/{invoice_id}/submit", 409)
    assert conflict["code"] == "submission_in_progress"
    [done] = run_queued(
        spv.gateway.platform, spv.world.ctx, "worker.request.anaf.efactura", anaf_efactura.handle
    )
    assert done.outcome == "accepted"
    [attempt] = spv.call("GET", f"/invoices/{invoice_id}/submissions", 200)
    [upload] = anaf.uploads_of(number)
    assert attempt["state"] == "accepted" and attempt["upload_index"] == upload.index
    assert attempt["archive"]["verdict"] == "accepted" and attempt["messages"] == []
    archive = spv.call("GET", f"/invoices/{invoice_id}/submissions/1/archive", 200)
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == sorted([f"{upload.download_id}.xml", f"semnatura_{upload.download_id}.xml"])
    assert spv.call("POST", f"/invoices/{invoice_id}/submit", 409)["code"] == "efactura_already_accepted"
    assert spv.call("GET", f"/invoices/{invoice_id}", 200)["status"] == "accepted"


def test_submit_refuses_a_draft_and_unknown_documents(spv: Client) -> None:
    draft = spv.call("POST", "/invoices", 201, json=spv.world.draft())
    assert spv.call("POST", f"/invoices/{draft['id']}/submit", 409)["code"] == "invoice_not_issued"
    assert spv.call("POST", "/invoices/nope/submit", 404)["code"] == "invoice_not_found"
    assert spv.call("GET", "/invoices/nope/submissions", 404)["code"] == "invoice_not_found"


def test_partner_lookup_fills_a_partner_then_answers_from_the_cache(spv: Client, anaf: Anaf) -> None:
    started = spv.call("POST", "/partners/lookup", 202, json={"cuis": ["RO50000007", "30000002", "99999990"]})
    assert started["source"] == "job"
    [done] = run_queued(
        spv.gateway.platform, spv.world.ctx, "worker.request.anaf.taxpayer", anaf_taxpayer.handle
    )
    by_cui = {r["cui"]: r for r in done.results}
    collection, inactive, missing = by_cui["50000007"], by_cui["30000002"], by_cui["99999990"]
    assert collection["vat_on_collection"] and collection["partner"]["cui"] == "RO50000007"
    assert collection["partner"]["address"]["county"] == "RO-CT" and collection["efactura_registered"]
    assert inactive["inactive"] and not inactive["vat_payer"]
    assert missing["found"] is False and not done.stale
    cached = spv.call("POST", "/partners/lookup", 200, json={"cuis": ["50000007", "30000002", "99999990"]})
    assert cached["source"] == "cache" and [r["cui"] for r in cached["results"]] == [
        "50000007",
        "30000002",
        "99999990",
    ]
    assert anaf.double.calls["tva"] == 1
    bad = spv.call("POST", "/partners/lookup", 422, json={"cuis": ["RO12A"]})
    assert "cuis[0]" in str(bad["details"])


def test_openapi_documents_every_spv_documents_and_procurement_route(spv: Client) -> None:
    spec = spv.gateway.client.get("/api/openapi.json").json()
    mine = {
        (path, method): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if set(op.get("tags", [])) & {"sales: ANAF SPV", "sales: documents", "procurement"}
    }
    assert len(mine) == 14
    for (path, method), op in mine.items():
        assert op.get("summary"), (path, method)
        assert any(code.startswith("2") for code in op["responses"]), (path, method)
    submit = mine[(f"{API}/invoices/{{invoice_id}}/submit", "post")]
    assert "202" in submit["responses"] and "credit note" in submit["description"]
    assert (
        "application/pdf"
        in mine[(f"{API}/invoices/{{invoice_id}}/pdf", "get")]["responses"]["200"]["content"]
    )

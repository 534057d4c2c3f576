"""The submission engine publishes sales.invoice.efactura_submitted / _accepted / _rejected.

Read back from the tenant's outbox (the same transaction as the submission's state), with the data
the catalogue documents, against the ANAF double over real HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from genius.integrations.anaf import ProcessingState
from genius.integrations.anaf.double import FaultKind
from genius.platform.bus.tables import outbox
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import Anaf, attempts, issue, run_job, start_submission

SUBMITTED = "sales.invoice.efactura_submitted"
ACCEPTED = "sales.invoice.efactura_accepted"
REJECTED = "sales.invoice.efactura_rejected"


def efactura_events(world: World, invoice_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of the invoice's e-Factura events, in outbox order; the subject is the invoice."""
    with world.engine().connect() as conn:
        bodies = conn.execute(
            sa.select(outbox.c.body)
            .where(outbox.c.type.in_([SUBMITTED, ACCEPTED, REJECTED]))
            .order_by(outbox.c.seq)
        ).scalars()
        envelopes = [json.loads(b) for b in bodies]
    mine = [e for e in envelopes if e["data"]["invoice_id"] == invoice_id]
    assert all(e["subject"] == invoice_id and e["tenant"] == world.tenant.slug for e in mine)
    return [(e["type"], e["data"]) for e in mine]


def test_an_accepted_invoice_publishes_submitted_then_accepted(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    assert efactura_events(seller, invoice_id) == []  # nothing before the upload
    assert run_job(seller, invoice_id).outcome == "accepted"
    [upload] = anaf.uploads_of(number)
    common = {"invoice_id": invoice_id, "number": number, "attempt": 1, "upload_index": upload.index}
    assert efactura_events(seller, invoice_id) == [
        (SUBMITTED, {**common, "b2c": False}),
        (ACCEPTED, {**common, "download_id": upload.download_id}),
    ]


def test_a_nok_verdict_publishes_submitted_then_rejected_with_anafs_messages(
    seller: World, anaf: Anaf
) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    text = "[BR-RO-065]-Codul postal al cumparatorului este invalid #Buyer post code is invalid"
    anaf.double.spv._judge = lambda *a, **k: (ProcessingState.NOK, [text])  # type: ignore[method-assign]
    done = run_job(seller, invoice_id)
    assert done.outcome == "rejected"
    [upload] = anaf.uploads_of(number)
    [attempt] = attempts(seller, invoice_id)
    common = {"invoice_id": invoice_id, "number": number, "attempt": 1, "upload_index": upload.index}
    assert efactura_events(seller, invoice_id) == [
        (SUBMITTED, {**common, "b2c": False}),
        (REJECTED, {**common, "download_id": attempt.download_id, "messages": done.messages}),
    ]
    assert attempt.download_id  # the error document's download id, as ANAF gave it
    assert done.messages == [
        "BR-RO-065: Codul postal al cumparatorului este invalid #Buyer post code is invalid"
    ]


def test_a_refusal_at_upload_publishes_rejected_only(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    refusal = "Emitentul nu este inscris in Registrul RO e-Factura"
    anaf.double.add_fault(FaultKind.EROARE, "upload", message=refusal)
    assert run_job(seller, invoice_id).outcome == "refused"
    assert efactura_events(seller, invoice_id) == [
        (
            REJECTED,
            {
                "invoice_id": invoice_id,
                "number": number,
                "attempt": 1,
                "upload_index": None,
                "download_id": None,
                "messages": [refusal],
            },
        )
    ]
    # Sent again after the fix: attempt 2 is submitted and accepted, with its own events.
    start_submission(seller, invoice_id)
    assert run_job(seller, invoice_id).outcome == "accepted"
    assert [(t, d["attempt"]) for t, d in efactura_events(seller, invoice_id)] == [
        (REJECTED, 1),
        (SUBMITTED, 2),
        (ACCEPTED, 2),
    ]

"""Submissions under ANAF's faults (the double over real HTTP): slow answers, 5xx, 429, limits, verdicts.

Ground truth is the double's upload table: whatever happens, an invoice reaches ANAF once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CancelInvoice, CreateAndIssue, CreatePartner
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.submission import Outcome, rule_message
from genius.integrations.anaf import AnafLimitReached, ProcessingState
from genius.integrations.anaf.double import FaultKind
from genius.kernel.errors import Conflict
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.workers import anaf_efactura
from tests.apps.sales.conftest import World, address, company_partner
from tests.apps.sales.spv.conftest import (
    Anaf,
    attempts,
    invoice_status,
    issue,
    run_job,
    start_submission,
)

LAG_PASSED = timedelta(minutes=21)


def run_engine(world: World, invoice_id: str, offset: timedelta = timedelta(0)) -> Outcome:
    """The worker's engine with a clock ``offset`` ahead (to step past the SPV list's lag)."""
    access = AnafAccess.of(world.platform)
    job = JobContext(job_id=new_id(), tag=anaf_efactura.TAG, tenant=world.ctx)
    clients = access.clients(world.ctx)
    try:
        engine = anaf_efactura.submission_engine(
            world.platform,
            job,
            clients.efactura,
            access.cui_of(world.tenant.slug),
            clock=lambda: datetime.now(UTC) + offset,
        )
        return engine.run(invoice_id)
    finally:
        clients.close()


def issue_credit_note(world: World, invoice_id: str, *, quantity: str) -> Any:
    """A credit note of ``quantity`` of the world's product against ``invoice_id``, issued (in scope)."""
    return h.create_and_issue(
        world.deps,
        CreateAndIssue(
            {
                "corrects_invoice_id": invoice_id,
                "lines": [{"id": "1", "product_id": world.ids["product"], "quantity": quantity}],
            },
            credit_note=True,
        ),
    )


def test_a_slow_upload_answer_is_reconciled_not_sent_again(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.SLOW, "upload", delay=4.0)  # the client gives up after 2 s
    done = run_job(seller, invoice_id)
    assert done.outcome == "accepted", done
    [upload] = anaf.uploads_of(number)
    [attempt] = attempts(seller, invoice_id)
    assert attempt.upload_index == upload.index and "may be filed" in (attempt.last_error or "")


def test_a_5xx_upload_waits_for_the_list_lag_then_sends_a_new_attempt(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.STATUS, "upload", status=502)  # answered before the SPV saw it
    first = run_engine(seller, invoice_id)
    assert (first.outcome, first.attempt.state.value if first.attempt else None) == (
        "waiting",
        "outcome_unknown",
    )
    assert anaf.uploads_of(number) == []
    assert invoice_status(seller, invoice_id) == "submitted"  # it may be in SPV: no cancelling now
    with seller.scope(), pytest.raises(Conflict):
        h.cancel_invoice(seller.deps, CancelInvoice(invoice_id, "changed my mind"))
    assert run_engine(seller, invoice_id, timedelta(minutes=5)).outcome == "waiting"  # still inside the lag
    done = run_engine(seller, invoice_id, LAG_PASSED)
    assert done.outcome == "accepted"
    assert len(anaf.uploads_of(number)) == 1
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["failed", "accepted"]


def test_429_on_upload_fails_the_attempt_for_a_retry_and_the_retry_sends_once(
    seller: World, anaf: Anaf
) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.STATUS, "upload", status=429)
    with pytest.raises(AnafLimitReached):  # the job runtime retries it later with backoff
        run_job(seller, invoice_id)
    [attempt] = attempts(seller, invoice_id)
    assert attempt.state.value == "failed" and anaf.uploads_of(number) == []
    assert invoice_status(seller, invoice_id) == "submitted"
    assert run_job(seller, invoice_id).outcome == "accepted"
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["failed", "accepted"]
    assert len(anaf.uploads_of(number)) == 1


def test_the_state_limit_leaves_the_submission_to_the_sweep(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.LIMIT, "stareMesaj")  # "S-au facut deja 100 interogari ..."
    first = run_job(seller, invoice_id)
    assert (first.outcome, first.state) == ("waiting", "uploaded")
    assert run_job(seller, invoice_id).outcome == "accepted"
    assert len(anaf.uploads_of(number)) == 1


def test_processing_is_polled_with_backoff_until_ok(seller: World, anaf: Anaf) -> None:
    anaf.double.spv.processing_seconds = 2.5
    invoice_id, _number = issue(seller)
    start_submission(seller, invoice_id)
    done = run_job(seller, invoice_id)
    assert done.outcome == "accepted"
    # in prelucrare at 0 s, 1 s, 3 s (waits 1, 2), then ok: a handful of queries, not a hot loop.
    assert 2 <= anaf.double.calls["stareMesaj"] <= 4


def test_a_nok_verdict_keeps_anafs_rules_and_forbids_sending_the_same_document(
    seller: World, anaf: Anaf
) -> None:
    invoice_id, _number = issue(seller)
    start_submission(seller, invoice_id)
    text = "[BR-RO-065]-Codul postal al cumparatorului este invalid #Buyer post code is invalid"
    anaf.double.spv._judge = lambda *a, **k: (ProcessingState.NOK, [text])  # type: ignore[method-assign]
    done = run_job(seller, invoice_id)
    assert done.outcome == "rejected"
    assert done.messages == [
        "BR-RO-065: Codul postal al cumparatorului este invalid #Buyer post code is invalid"
    ]
    assert invoice_status(seller, invoice_id) == "rejected"
    with pytest.raises(Conflict) as refused:
        start_submission(seller, invoice_id)
    assert refused.value.code == "efactura_rejected_fiscal"
    assert "credit note" in refused.value.message and "new invoice" in refused.value.message
    with seller.scope():  # the way out: a credit note for it (and a new invoice)
        credit = issue_credit_note(seller, invoice_id, quantity="10")
    assert credit.number.startswith("GCN")


def test_a_refusal_outside_the_document_may_be_sent_again(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(
        FaultKind.EROARE, "upload", message="Emitentul nu este inscris in Registrul RO e-Factura"
    )
    done = run_job(seller, invoice_id)
    assert (done.outcome, done.messages) == (
        "refused",
        ["Emitentul nu este inscris in Registrul RO e-Factura"],
    )
    assert invoice_status(seller, invoice_id) == "rejected" and anaf.uploads_of(number) == []
    assert start_submission(seller, invoice_id).attempt == 2  # no rule of the document: send it again
    assert run_job(seller, invoice_id).outcome == "accepted"
    assert len(anaf.uploads_of(number)) == 1


def test_no_spv_rights_fails_the_job_for_a_person_to_act(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.EROARE, "upload", message="Nu aveti drept in SPV pentru CIF=18547290")
    with pytest.raises(Conflict) as refused:  # a caller error: the runtime fails the job, no retries
        run_job(seller, invoice_id)
    assert refused.value.code == "anaf_not_authorized" and "authorize" in refused.value.message
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["failed"]
    assert run_job(seller, invoice_id).outcome == "accepted"  # once rights are back, a new attempt
    assert len(anaf.uploads_of(number)) == 1


def test_an_individual_buyer_goes_through_uploadb2c(seller: World, anaf: Anaf) -> None:
    with seller.scope():
        person = h.create_partner(
            seller.deps,
            CreatePartner(
                company_partner(
                    kind="individual",
                    name="Ion Popescu",
                    cui=None,
                    trade_register=None,
                    address=address(),
                    iban=None,
                )
            ),
        )
    invoice_id, number = issue(seller, buyer={"partner_id": person})
    [attempt] = [start_submission(seller, invoice_id)]
    assert attempt.b2c
    assert run_job(seller, invoice_id).outcome == "accepted"
    [upload] = anaf.uploads_of(number)
    assert upload.b2c and anaf.double.calls["uploadb2c"] == 1 and anaf.double.calls["upload"] == 0


def test_a_credit_note_is_uploaded_with_standard_cn(seller: World, anaf: Anaf) -> None:
    invoice_id, _ = issue(seller)
    start_submission(seller, invoice_id)
    assert run_job(seller, invoice_id).outcome == "accepted"
    with seller.scope():
        credit = issue_credit_note(seller, invoice_id, quantity="2")
    start_submission(seller, credit.invoice_id)
    assert run_job(seller, credit.invoice_id).outcome == "accepted"
    [upload] = anaf.uploads_of(credit.number)
    assert upload.standard == "CN"


def test_a_submission_cancelled_before_the_upload_sends_nothing(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    with seller.scope():
        h.cancel_invoice(seller.deps, CancelInvoice(invoice_id, "wrong buyer"))
    assert run_job(seller, invoice_id).outcome == "cancelled"
    assert anaf.uploads_of(number) == []


def test_one_attempt_at_a_time_and_an_accepted_invoice_is_not_sent_again(seller: World, anaf: Anaf) -> None:
    invoice_id, _ = issue(seller)
    start_submission(seller, invoice_id)
    with pytest.raises(Conflict) as busy:
        start_submission(seller, invoice_id)
    assert busy.value.code == "submission_in_progress"
    run_job(seller, invoice_id)
    with pytest.raises(Conflict) as filed:
        start_submission(seller, invoice_id)
    assert filed.value.code == "efactura_already_accepted"


def test_rule_messages_put_the_rule_first_once() -> None:
    assert rule_message("BR-CO-15", "[BR-CO-15]-Totalul nu corespunde") == "BR-CO-15: Totalul nu corespunde"
    assert rule_message(None, "Eroare tehnica") == "Eroare tehnica"


def test_the_resume_sweep_settles_a_submission_left_waiting(seller: World, anaf: Anaf) -> None:

    from genius.apps.sales import tables as t
    from genius.apps.sales.spv.messages import RESUME, EfacturaWorkRequested

    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    anaf.double.add_fault(FaultKind.LIMIT, "stareMesaj")
    assert run_job(seller, invoice_id).outcome == "waiting"
    job = JobContext(job_id=new_id(), tag=anaf_efactura.TAG, tenant=seller.ctx)
    fresh = anaf_efactura.handle(EfacturaWorkRequested(action=RESUME), job, seller.platform)
    assert fresh.outcome == "nothing"  # moved a moment ago: its own job may still be on it
    with seller.engine().begin() as conn:  # a few minutes later
        conn.execute(
            t.submissions.update()
            .where(t.submissions.c.invoice_id == invoice_id)
            .values(updated_at=datetime.now(UTC) - timedelta(minutes=3))
        )
    resumed = anaf_efactura.handle(EfacturaWorkRequested(action=RESUME), job, seller.platform)
    assert resumed.outcome == "resumed" and resumed.messages == [f"{invoice_id}: accepted"]
    assert invoice_status(seller, invoice_id) == "accepted" and len(anaf.uploads_of(number)) == 1

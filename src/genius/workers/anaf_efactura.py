"""Worker ``anaf.efactura``: a tenant's traffic with ANAF's e-Factura SPV.

Actions (``EfacturaWorkRequested.action``):

- ``submit``: carry one invoice's submission as far as it goes (``SubmissionEngine``: uploading
  committed before the upload, reconcile after a lost answer, poll with backoff, archive the
  ZIP, settle). "waiting" means ANAF is still processing or its list may still lag: the
  ``resume`` sweep comes back to it;
- ``resume`` (scheduled): the same for every submission left in flight for a few minutes;
- ``inbound`` (scheduled): received invoices into the procurement register (``InboundScan``);
- ``tokens`` (scheduled): refresh the ANAF grant ahead of expiry, keeping the new refresh token.

Idempotent by construction: every step resumes from the state committed last, the job id (with
its run) holds the invoice's lease, so a redelivered job picks up where the killed one stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from genius.apps.procurement.inbound import InboundScan
from genius.apps.sales.spv import records
from genius.apps.sales.spv.messages import (
    ACTIONS,
    INBOUND,
    RESUME,
    SUBMIT,
    TOKENS,
    EfacturaWorkDone,
    EfacturaWorkRequested,
)
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.submission import Outcome, SubmissionEngine
from genius.integrations.anaf import EfacturaClient
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.jobs.context import JobContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "anaf.efactura"
# A submission untouched this long is carried on by the resume sweep (a live job moves it sooner).
RESUME_AFTER = timedelta(minutes=2)
# Polling leaves this much of the job's time for the download and the last commits.
JOB_MARGIN_SECONDS = 30.0


def _done(action: str, outcome: Outcome) -> EfacturaWorkDone:
    attempt = outcome.attempt
    return EfacturaWorkDone(
        action=action,
        outcome=outcome.outcome,
        invoice_id=outcome.invoice_id,
        attempt=attempt.attempt if attempt else None,
        state=attempt.state.value if attempt else None,
        upload_index=attempt.upload_index if attempt else None,
        download_id=attempt.download_id if attempt else None,
        messages=list(outcome.messages),
    )


def submission_engine(
    platform: Platform,
    job: JobContext,
    efactura: EfacturaClient,
    cui: str,
    clock: Callable[[], datetime] = utcnow,
) -> SubmissionEngine:
    """The engine a job runs (the kill tests build the same one in their subprocess)."""
    budget = min(platform.settings.spv_poll_budget_seconds, job.remaining() - JOB_MARGIN_SECONDS)
    return SubmissionEngine(
        platform.databases,
        platform.storage,
        efactura,
        job.tenant,
        cui,
        holder=job.job_id,
        run_id=job.run_id,
        clock=clock,
        poll_budget=max(1.0, budget),
    )


def handle(request: EfacturaWorkRequested, job: JobContext, platform: Platform) -> EfacturaWorkDone:
    if request.action not in ACTIONS:
        raise ValidationError.for_field(
            "action", f"must be one of {', '.join(ACTIONS)}, got {request.action!r}"
        )
    anaf = AnafAccess.of(platform)
    tenant = job.tenant
    if request.action == TOKENS:
        return EfacturaWorkDone(action=TOKENS, outcome=anaf.refresh(tenant))
    if request.action == SUBMIT and not request.invoice_id:
        raise ValidationError.for_field("invoice_id", "required for action submit")
    cui = anaf.cui_of(tenant.slug)
    clients = anaf.clients(tenant)
    try:
        if request.action == INBOUND:
            job.progress(5, "listing received invoices")
            result = InboundScan(platform.databases, platform.storage, clients.efactura, tenant, cui).run()
            return EfacturaWorkDone(
                action=INBOUND,
                outcome="received",
                received=result.received,
                skipped=result.skipped + result.duplicates + result.unreadable,
            )
        engine = submission_engine(platform, job, clients.efactura, cui)
        if request.action == SUBMIT:
            assert request.invoice_id is not None
            job.progress(10, "submitting to ANAF")
            return _done(SUBMIT, engine.run(request.invoice_id))
        with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
            due = records.unsettled(conn, utcnow() - RESUME_AFTER)
        settled: list[str] = []
        for i, invoice_id in enumerate(due):
            job.progress(min(95, 10 + 85 * i // max(1, len(due))), f"resuming {i + 1} of {len(due)}")
            outcome = engine.run(invoice_id)
            settled.append(f"{invoice_id}: {outcome.outcome}")
        return EfacturaWorkDone(action=RESUME, outcome="resumed" if due else "nothing", messages=settled)
    finally:
        clients.close()

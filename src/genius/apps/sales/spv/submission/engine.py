"""``SubmissionEngine``: one invoice's e-Factura submission carried state by state (see the package).

Each step is its own unit of work under the invoice's lease, so a run killed anywhere resumes
from the state committed last; the package docstring draws the states and what each one does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from genius.apps.sales.domain.invoices import DocumentType, InvoiceStatus
from genius.apps.sales.domain.submissions import TERMINAL, Submission, SubmissionState
from genius.apps.sales.spv import leases, records
from genius.apps.sales.spv.crashpoints import crash_point
from genius.apps.sales.spv.records import InvoiceFacts, aware
from genius.apps.sales.spv.submission.archive import SubmissionArchive
from genius.apps.sales.spv.submission.outcome import Outcome, rule_message
from genius.integrations.anaf import (
    AnafAuthError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
    EfacturaClient,
    FiledInvoice,
    MessageState,
    ProcessingState,
    UploadOutcomeUnknown,
    UploadStandard,
    find_filed_invoice,
    safe_to_upload_again,
)
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict
from genius.platform.db.uow import UnitOfWork
from genius.platform.storage import ObjectStore
from genius.platform.tenancy import TenantContext, TenantDatabases

log = logging.getLogger("genius.sales.spv")
S = SubmissionState
XML_NOT_TAKEN = "XML cu erori nepreluat de sistem"
# Polling stareMesaj: first wait, growth, cap (ANAF counts 100 queries per index a day).
POLL_FIRST = 1.0
POLL_FACTOR = 2.0
POLL_MAX = 60.0
MAX_STEPS = 12  # state moves in one run; a run needs at most ~6
CHANGED = "submission_changed"  # records.move: the attempt moved meanwhile
LEASE_LOST = "submission_lease_lost"  # leases.check_lease: the invoice is another run's now


@dataclass
class SubmissionEngine:
    """Carries one tenant's submissions; built per job by the ``anaf.efactura`` worker."""

    databases: TenantDatabases
    storage: ObjectStore
    efactura: EfacturaClient
    tenant: TenantContext
    cui: str  # the seller's numeric CUI (the uploader)
    holder: str  # the job id: owner of the invoice's lease
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep
    poll_budget: float = 120.0  # seconds of polling in one run before handing over to the sweep
    lease_ttl: timedelta = timedelta(minutes=15)
    run_id: str | None = None  # the job's run (JobContext.run_id): the lease names it with the job
    polls: int = field(default=0, init=False)

    @property
    def lease(self) -> str:
        """This run's holder of the invoice's lease (``<job>/<run>``)."""
        return leases.lease_holder(self.holder, self.run_id)

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.databases, tenant=self.tenant)

    def _engine(self):  # type: ignore[no-untyped-def]
        return self.databases.engine_for_slug(self.tenant.slug)

    @property
    def archive(self) -> SubmissionArchive:
        """Downloads of ANAF's answers and their place in the tenant's storage."""
        return SubmissionArchive(self.storage, self.efactura, self.tenant.slug, self.clock)

    # -- the run ---------------------------------------------------------------------------------
    def run(self, invoice_id: str) -> Outcome:
        engine = self._engine()
        if not leases.claim_lease(engine, invoice_id, self.lease, self.lease_ttl, self.clock()):
            return Outcome("busy", invoice_id)
        try:
            return self._run(invoice_id)
        finally:
            leases.release_lease(engine, invoice_id, self.lease)

    def _run(self, invoice_id: str) -> Outcome:
        for _ in range(MAX_STEPS):
            with self._engine().connect() as conn:
                facts = records.invoice_facts(conn, invoice_id)
                attempt = records.latest(conn, invoice_id)
            if attempt is None:
                return Outcome("nothing", invoice_id)
            try:
                done = self._step(facts, attempt)
            except Conflict as exc:
                if exc.code == CHANGED:
                    log.info("%s: reading it again", exc.message)
                    continue  # the state read next decides (a final one is the outcome)
                if exc.code == LEASE_LOST:
                    log.warning("%s", exc.message)
                    return Outcome("busy", invoice_id, attempt)
                raise
            if done is not None:
                return done
        raise Conflict(
            f"submission of {invoice_id} did not settle in {MAX_STEPS} steps", code="submission_loop"
        )

    def _step(self, facts: InvoiceFacts, attempt: Submission) -> Outcome | None:
        """One step from the state found; an outcome ends the run, None reads the state again."""
        state = attempt.state
        if state in TERMINAL and state is not S.FAILED:
            return self._final(facts, attempt)
        if state is S.FAILED:
            if facts.status is InvoiceStatus.CANCELLED:
                return Outcome("cancelled", facts.id, attempt)
            with self._uow() as uow:
                records.restart_after_failure(uow, facts, attempt, self.clock(), lease=self.lease)
            return None
        if state is S.PENDING:
            return self._upload(facts, attempt)
        if state in (S.UPLOADING, S.OUTCOME_UNKNOWN):
            return self._reconcile(facts, attempt)
        return self._poll(facts, attempt)  # uploaded / processing

    def _move(
        self,
        uow: UnitOfWork,
        facts: InvoiceFacts,
        attempt: Submission,
        state: SubmissionState,
        now: datetime,
        **values: Any,
    ) -> Submission:
        """``records.move`` as this run: only while it holds the invoice's lease."""
        return records.move(uow, facts, attempt, state, now, lease=self.lease, **values)

    def _final(self, facts: InvoiceFacts, attempt: Submission) -> Outcome:
        names = {
            S.ACCEPTED: "accepted",
            S.REJECTED: "rejected",
            S.REFUSED: "refused",
            S.CANCELLED: "cancelled",
        }
        return Outcome(names.get(attempt.state, attempt.state.value), facts.id, attempt, attempt.messages)

    # -- upload ----------------------------------------------------------------------------------
    def _upload(self, facts: InvoiceFacts, attempt: Submission) -> Outcome | None:
        with self._uow() as uow:  # committed BEFORE anything leaves: a crash now means "maybe filed"
            attempt = self._move(uow, facts, attempt, S.UPLOADING, self.clock())
        facts = _with_status(facts, InvoiceStatus.SUBMITTED)
        crash_point("before_upload")
        standard = (
            UploadStandard.CN if facts.document_type is DocumentType.CREDIT_NOTE else UploadStandard.UBL
        )
        try:
            receipt = self.efactura.upload(
                facts.xml, cif=self.cui, standard=standard, b2c=attempt.b2c, extern=facts.foreign_buyer
            )
        except (UploadOutcomeUnknown, AnafProtocolError) as exc:
            log.warning("upload of %s: outcome unknown (%s); reconciling", facts.number, exc)
            with self._uow() as uow:
                self._move(uow, facts, attempt, S.OUTCOME_UNKNOWN, self.clock(), error=str(exc)[:2000])
            return None
        except AnafRejected as exc:  # ExecutionStatus=1: ANAF did not take the file
            with self._uow() as uow:
                after = self._move(
                    uow,
                    facts,
                    attempt,
                    S.REFUSED,
                    self.clock(),
                    messages=tuple(exc.messages) or (exc.message,),
                    error=exc.message[:2000],
                    invoice_status=InvoiceStatus.REJECTED,
                )
            return Outcome("refused", facts.id, after, after.messages)
        except (AnafUnavailable, AnafLimitReached, AnafAuthError) as exc:
            # Nothing reached ANAF (refused connection, open breaker, a limit, 401/403).
            with self._uow() as uow:
                self._move(uow, facts, attempt, S.FAILED, self.clock(), error=str(exc)[:2000])
            if isinstance(exc, AnafAuthError):
                raise Conflict(
                    f"ANAF refused our authorization for CUI {self.cui}: {exc.message}. Authorize again"
                    " (GET /api/v1/sales/anaf/authorize), then submit again",
                    code="anaf_not_authorized",
                ) from exc
            raise
        crash_point("after_upload")
        with self._uow() as uow:
            self._move(uow, facts, attempt, S.UPLOADED, self.clock(), upload_index=receipt.upload_index)
        crash_point("after_index")
        return None

    # -- reconcile -------------------------------------------------------------------------------
    def _reconcile(self, facts: InvoiceFacts, attempt: Submission) -> Outcome | None:
        with self._engine().connect() as conn:
            known = {
                a.upload_index
                for a in records.repo.submissions_of(conn, facts.id)
                if a.upload_index and a.attempt != attempt.attempt
            }
        filed = find_filed_invoice(
            self.efactura,
            self.cui,
            number=facts.number,
            issue_date=facts.issue_date,
            since=aware(attempt.created_at),
            known_upload_indexes=known,
        )
        now = self.clock()
        if filed is not None:
            self._settle_filed(facts, attempt, filed)
            return None
        if not safe_to_upload_again(aware(attempt.updated_at), now):
            if attempt.state is S.UPLOADING:
                with self._uow() as uow:
                    attempt = self._move(
                        uow,
                        facts,
                        attempt,
                        S.OUTCOME_UNKNOWN,
                        now,
                        error="the worker stopped during the upload",
                    )
            return Outcome("waiting", facts.id, attempt)
        with self._uow() as uow:  # the list had time to show it and does not: never filed
            self._move(
                uow,
                facts,
                attempt,
                S.FAILED,
                now,
                error="not in the SPV list of sent invoices after the list's lag: the upload did not arrive",
            )
        return None

    def _settle_filed(self, facts: InvoiceFacts, attempt: Submission, filed: FiledInvoice) -> None:
        """The lost upload was filed and accepted (a sent invoice): record its index, keep the download."""
        stored = self.archive.store(facts, filed.message.id, filed.download)
        with self._uow() as uow:
            uploaded = self._move(
                uow, facts, attempt, S.UPLOADED, self.clock(), upload_index=filed.upload_index
            )
            records.record_archive(
                uow.connection, self.archive.record(facts, uploaded, filed.message.id, "accepted", stored)
            )
            self._move(
                uow,
                _with_status(facts, InvoiceStatus.SUBMITTED),
                uploaded,
                S.ACCEPTED,
                self.clock(),
                download_id=filed.message.id,
            )

    # -- poll and settle -------------------------------------------------------------------------
    def _poll(self, facts: InvoiceFacts, attempt: Submission) -> Outcome | None:
        assert attempt.upload_index is not None
        deadline = time.monotonic() + self.poll_budget
        wait = POLL_FIRST
        while True:
            try:
                self.polls += 1
                state = self.efactura.message_state(attempt.upload_index)
            except AnafLimitReached as exc:
                pause = exc.retry_after_seconds
                if exc.local or pause is None or time.monotonic() + pause > deadline:
                    log.info("stareMesaj for %s: %s; resumed later", attempt.upload_index, exc.message)
                    return Outcome("waiting", facts.id, attempt)
                self.sleep(pause)
                continue
            if state.is_final:
                self._settle(facts, attempt, state)
                return None
            if attempt.state is S.UPLOADED:
                with self._uow() as uow:
                    attempt = self._move(uow, facts, attempt, S.PROCESSING, self.clock())
            if time.monotonic() + wait > deadline:
                return Outcome("waiting", facts.id, attempt)
            self.sleep(wait)
            wait = min(wait * POLL_FACTOR, POLL_MAX)

    def _settle(self, facts: InvoiceFacts, attempt: Submission, state: MessageState) -> None:
        if state.state is ProcessingState.XML_ERRORS:
            with self._uow() as uow:
                self._move(
                    uow,
                    facts,
                    attempt,
                    S.REFUSED,
                    self.clock(),
                    messages=(XML_NOT_TAKEN,),
                    invoice_status=InvoiceStatus.REJECTED,
                )
            return
        assert state.download_id is not None
        download = self.archive.download(facts, state.download_id)
        accepted = state.state is ProcessingState.OK
        stored = self.archive.store(facts, state.download_id, download)
        messages: tuple[str, ...] = ()
        status: InvoiceStatus | None = None
        if not accepted:
            report = download.errors
            messages = tuple(
                rule_message(e.rule_id, e.message) for e in (report.errors if report else ())
            ) or ("ANAF rejected the invoice without a message",)
            if report is not None and report.duplicate_of:
                status = InvoiceStatus.ACCEPTED  # filed before under report.duplicate_of: it is in SPV
        with self._uow() as uow:
            records.record_archive(
                uow.connection,
                self.archive.record(
                    facts, attempt, state.download_id, "accepted" if accepted else "rejected", stored
                ),
            )
            self._move(
                uow,
                facts,
                attempt,
                S.ACCEPTED if accepted else S.REJECTED,
                self.clock(),
                download_id=state.download_id,
                messages=messages,
                invoice_status=status,
            )


def _with_status(facts: InvoiceFacts, status: InvoiceStatus) -> InvoiceFacts:
    return replace(facts, status=status)


__all__ = ["SubmissionEngine"]

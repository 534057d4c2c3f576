"""The e-Factura submission engine: upload once, reconcile when unsure, poll, archive, settle.

One ``run(invoice_id)`` carries the invoice's latest attempt as far as it can, committing after
every step, so a process killed anywhere resumes from the last committed state:

=================  ============================================================================
state found        what happens
=================  ============================================================================
pending            commit ``uploading`` FIRST, then upload (``uploadb2c`` for a buyer without
                   CUI, ``standard=CN`` for a credit note, ``extern=DA`` for a foreign buyer);
                   the answer's index is committed as ``uploaded``
uploading          the previous run died during the upload: outcome unknown -> reconcile
outcome_unknown    reconcile: look for the invoice among the sent invoices in the SPV list
                   (``find_filed_invoice``: seller, number, date). Found: it is filed (``uploaded``,
                   and the download in hand settles it). Not found while the list may still lag
                   (``safe_to_upload_again``): wait, the sweep comes back. Not found after the lag:
                   it was never filed (``failed``) and a new attempt uploads it
uploaded           poll ``stareMesaj`` with backoff until ``ok`` / ``nok`` (or the poll budget ends:
processing         "waiting", the sweep comes back); then download the ZIP once, store it in the
                   tenant's storage as the legal original (invoice or error document + ANAF's
                   signature) and settle: ``accepted`` / ``rejected`` with ANAF's messages as
                   ``RULE-ID: text`` (events ``sales.invoice.efactura_accepted|rejected``)
=================  ============================================================================

The upload itself is never retried: ``UploadOutcomeUnknown`` (timeout, 5xx, broken connection,
an answer we cannot read) is recorded as ``outcome_unknown`` and reconciled. A failure that
certainly kept the file from ANAF (connection refused, open breaker, a limit, 401/403) is
``failed`` and the error goes up for the job's retry, which starts the next attempt. Errors
asking for a person (no ANAF authorization) fail the job without retries (``Conflict``).

A lease per invoice (``leases``: the job id and this run, ``<job>/<run>``) keeps two runs off
the same invoice; every move checks it in its transaction, so a run whose lease passed to
another (it lost its job's run claim) stops with outcome "busy" instead of writing over it. A
step that finds the attempt moved meanwhile (``submission_changed``: the API cancelled it,
another run settled it before its lease passed) reads the state again and goes on from there; a
final state found so is the run's outcome.
"""

from __future__ import annotations

import logging
import re
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
from genius.integrations.anaf import (
    AnafAuthError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
    DownloadedMessage,
    EfacturaClient,
    FiledInvoice,
    MessageState,
    ProcessingState,
    UploadOutcomeUnknown,
    UploadStandard,
    find_filed_invoice,
    open_download,
    safe_to_upload_again,
)
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict
from genius.platform.db.uow import UnitOfWork
from genius.platform.storage import ObjectStore
from genius.platform.tenancy import TenantContext, TenantDatabases

log = logging.getLogger("genius.sales.spv")
S = SubmissionState
ZIP = "application/zip"
XML_NOT_TAKEN = "XML cu erori nepreluat de sistem"
# Polling stareMesaj: first wait, growth, cap (ANAF counts 100 queries per index a day).
POLL_FIRST = 1.0
POLL_FACTOR = 2.0
POLL_MAX = 60.0
MAX_STEPS = 12  # state moves in one run; a run needs at most ~6
CHANGED = "submission_changed"  # records.move: the attempt moved meanwhile
LEASE_LOST = "submission_lease_lost"  # leases.check_lease: the invoice is another run's now


@dataclass(frozen=True)
class Outcome:
    """Where one run left the invoice's submission."""

    outcome: str  # accepted, rejected, refused, waiting, cancelled, nothing, busy
    invoice_id: str
    attempt: Submission | None = None
    messages: tuple[str, ...] = ()


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
        stored = self._store(facts, filed.message.id, filed.download)
        with self._uow() as uow:
            uploaded = self._move(
                uow, facts, attempt, S.UPLOADED, self.clock(), upload_index=filed.upload_index
            )
            records.record_archive(
                uow.connection, self._archive(facts, uploaded, filed.message.id, "accepted", stored)
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
        download = self._download(facts, state.download_id)
        accepted = state.state is ProcessingState.OK
        stored = self._store(facts, state.download_id, download)
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
                self._archive(
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

    def _download(self, facts: InvoiceFacts, download_id: str) -> DownloadedMessage:
        """The ZIP from storage when a previous run stored it already, else from ANAF (once)."""
        key = records.archive_key(facts.id, facts.number, download_id)
        if self.storage.exists(self.tenant.slug, key):
            return open_download(self.storage.get(self.tenant.slug, key), download_id)
        download = self.efactura.download(download_id)
        crash_point("during_download")
        return download

    def _store(
        self, facts: InvoiceFacts, download_id: str, download: DownloadedMessage
    ) -> tuple[str, str, int]:
        key = records.archive_key(facts.id, facts.number, download_id)
        stored = self.storage.put(self.tenant.slug, key, download.archive, ZIP)
        return stored.key, stored.sha256, stored.size

    def _archive(
        self,
        facts: InvoiceFacts,
        attempt: Submission,
        download_id: str,
        verdict: str,
        stored: tuple[str, str, int],
    ) -> records.ArchiveRecord:
        key, sha256, size = stored
        return records.ArchiveRecord(
            invoice_id=facts.id,
            attempt=attempt.attempt,
            download_id=download_id,
            upload_index=attempt.upload_index,
            verdict=verdict,
            storage_key=key,
            sha256=sha256,
            size=size,
            stored_at=self.clock(),
        )


def rule_message(rule_id: str | None, message: str) -> str:
    """``RULE-ID: text`` from ANAF's ``[RULE-ID]-text`` (the id once, first); the text alone without one."""
    if not rule_id:
        return message
    text = re.sub(rf"^\[{re.escape(rule_id)}\]\s*-?\s*", "", message.strip())
    return f"{rule_id}: {text}"


def _with_status(facts: InvoiceFacts, status: InvoiceStatus) -> InvoiceFacts:
    return replace(facts, status=status)


__all__ = ["Outcome", "SubmissionEngine"]

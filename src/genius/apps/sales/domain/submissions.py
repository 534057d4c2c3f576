"""e-Factura submission attempts of an issued document: their states and allowed moves.

One attempt is one upload of the issued UBL to ANAF's SPV and what became of it (ANAF-API.md):

::

    pending --upload 0--> uploaded --stareMesaj--> processing ("in prelucrare", polled again)
       |  \\--upload 1--> refused                      |--> accepted (ok; id_descarcare: signed invoice)
       |   \\-timeout---> outcome_unknown --reconcile-> |--> rejected (nok; id_descarcare: the errors)
       |                     \\--> failed               \\--> refused ("XML cu erori nepreluat de sistem")
       \\--invoice cancelled before upload--> cancelled

``uploading`` is committed before the HTTP upload starts: a worker that finds an attempt still
``uploading`` died mid-upload, so the outcome is unknown and it reconciles before anything else
(``pending -> uploading -> uploaded | refused | outcome_unknown | failed``).
``failed`` means the upload certainly did not reach ANAF (a new attempt may follow);
``outcome_unknown`` that it may have (the worker reconciles with the message list before retrying,
so an invoice is never filed twice). The invoice's own status follows its latest attempt
(``invoice_status_after``). The submission worker (next step) drives these moves; the table and
the rules exist now so that the worker only adds the calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from genius.apps.sales.domain.invoices import InvoiceStatus
from genius.kernel.errors import Conflict

RULE_TRANSITION = "sales.submission.transition"


class SubmissionState(StrEnum):
    PENDING = "pending"
    UPLOADING = "uploading"  # committed before the upload: a crash leaves the outcome unknown
    UPLOADED = "uploaded"
    PROCESSING = "processing"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REFUSED = "refused"
    OUTCOME_UNKNOWN = "outcome_unknown"
    FAILED = "failed"
    CANCELLED = "cancelled"


S = SubmissionState
ALLOWED: dict[SubmissionState, frozenset[SubmissionState]] = {
    S.PENDING: frozenset({S.UPLOADING, S.UPLOADED, S.REFUSED, S.OUTCOME_UNKNOWN, S.FAILED, S.CANCELLED}),
    S.UPLOADING: frozenset({S.UPLOADED, S.REFUSED, S.OUTCOME_UNKNOWN, S.FAILED}),
    S.UPLOADED: frozenset({S.PROCESSING, S.ACCEPTED, S.REJECTED, S.REFUSED}),
    S.PROCESSING: frozenset({S.PROCESSING, S.ACCEPTED, S.REJECTED, S.REFUSED}),
    S.OUTCOME_UNKNOWN: frozenset({S.UPLOADED, S.FAILED}),
}
TERMINAL = frozenset(s for s in SubmissionState if s not in ALLOWED)


@dataclass(frozen=True)
class Submission:
    """One attempt; ``messages`` are ANAF's texts (errors of a refusal or of a nok verdict)."""

    invoice_id: str
    attempt: int
    state: SubmissionState
    created_at: datetime
    updated_at: datetime
    b2c: bool = False  # uploaded with uploadb2c (buyer is an individual)
    upload_index: str | None = None  # index_incarcare
    download_id: str | None = None  # id_descarcare
    messages: tuple[str, ...] = field(default_factory=tuple)
    uploaded_at: datetime | None = None
    finished_at: datetime | None = None
    last_error: str | None = None

    def move(
        self,
        state: SubmissionState,
        at: datetime,
        *,
        upload_index: str | None = None,
        download_id: str | None = None,
        messages: tuple[str, ...] = (),
        error: str | None = None,
    ) -> Submission:
        """The attempt after ``state``; Conflict naming the rule for a move the diagram lacks."""
        if state not in ALLOWED.get(self.state, frozenset()):
            raise Conflict(
                f"submission {self.attempt} of invoice {self.invoice_id} cannot go"
                f" from {self.state} to {state} ({RULE_TRANSITION})",
                code="submission_transition",
                details={"rule": RULE_TRANSITION, "from": str(self.state), "to": str(state)},
            )
        if state == S.UPLOADED and not (upload_index or self.upload_index):
            raise Conflict("an uploaded submission has ANAF's upload index", code="submission_transition")
        return replace(
            self,
            state=state,
            updated_at=at,
            upload_index=upload_index or self.upload_index,
            download_id=download_id or self.download_id,
            messages=self.messages + messages,
            uploaded_at=at if state == S.UPLOADED else self.uploaded_at,
            finished_at=at if state in TERMINAL else self.finished_at,
            last_error=error or self.last_error,
        )


def start(invoice_id: str, attempt: int, at: datetime, *, b2c: bool) -> Submission:
    return Submission(
        invoice_id=invoice_id, attempt=attempt, state=S.PENDING, created_at=at, updated_at=at, b2c=b2c
    )


def invoice_status_after(state: SubmissionState) -> InvoiceStatus | None:
    """The invoice's status once its latest attempt reaches ``state`` (None: unchanged)."""
    return {
        S.UPLOADING: InvoiceStatus.SUBMITTED,  # may be in SPV already: no cancel from here on
        S.UPLOADED: InvoiceStatus.SUBMITTED,
        S.PROCESSING: InvoiceStatus.SUBMITTED,
        S.ACCEPTED: InvoiceStatus.ACCEPTED,
        S.REJECTED: InvoiceStatus.REJECTED,
    }.get(state)

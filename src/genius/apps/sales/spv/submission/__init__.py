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

Modules: ``engine`` (``SubmissionEngine``: the states above, one step per transaction),
``archive`` (ANAF's ZIP downloaded once and kept in the tenant's storage as the legal original),
``outcome`` (``Outcome``, what a run returns; ``rule_message``, ANAF's messages as ``RULE-ID: text``).
"""

from __future__ import annotations

from genius.apps.sales.spv.submission.engine import SubmissionEngine
from genius.apps.sales.spv.submission.outcome import Outcome, rule_message

__all__ = ["Outcome", "SubmissionEngine", "rule_message"]

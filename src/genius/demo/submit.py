"""The demo's traffic with the ANAF double: submissions as the API starts them, refusals, inbound.

``submit`` starts, for each document, what ``POST /api/v1/sales/invoices/{id}/submit`` starts: a
pending attempt and an ``anaf.efactura`` job, in one transaction; the workers do the rest. It
paces itself under ANAF's published limit of 1,000 calls a minute (a submission costs an upload,
a state query and a download), in waves, waiting for each wave to settle.

``refuse_each`` sends a few documents that ANAF's processing rejects: the upload is filed with an
index as usual, the state turns ``nok`` and the download holds ANAF's error document, the path a
real rejection takes. The double's validator is the engine's own, so a document the engine issued
is never invalid in its eyes: the rejection stands for ANAF's server-side checks and is injected
(``FaultKind.NOK`` on ``upload``, one request each, sent one at a time so the fault hits the
intended document). The documents end ``rejected`` with ANAF's message, and may be sent again.

``receive`` files supplier invoices in the double as ``FACTURA PRIMITA`` for the tenant and runs
the inbound job (``EfacturaWorkRequested(action=INBOUND)``), which registers them in procurement.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genius.apps.sales.spv import records
from genius.apps.sales.spv.messages import INBOUND, SUBMIT, EfacturaWorkRequested
from genius.integrations.anaf.double import FaultKind
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.tenancy import TenantContext, tenant_scope

WAVE = 100  # submissions started before waiting for them to settle
CALLS_PER_SUBMISSION = 3  # upload, stareMesaj, descarcare
CALLS_PER_MINUTE = 900  # ANAF allows 1,000 a minute: headroom for token, list and inbound calls
REFUSAL = (
    "Factura a fost respinsa la prelucrare de verificarile ANAF"
    " (dublura ANAF, respingere injectata pentru datele demo)"
)


@dataclass
class Submitter:
    platform: Any
    ctx: TenantContext
    double: Any  # the running AnafDouble the platform's settings point at
    settle: Callable[[str], Any]
    echo: Callable[[str], None]
    check: Callable[[], None] = lambda: None  # raises when the run must stop
    _sent: deque[tuple[float, int]] = field(default_factory=deque)

    def _start(self, invoice_id: str) -> None:
        with tenant_scope(self.ctx), UnitOfWork(self.platform.databases) as uow:
            records.start_attempt(uow, invoice_id, utcnow())
            JobService(self.platform.databases).start(
                uow, EfacturaWorkRequested(action=SUBMIT, invoice_id=invoice_id)
            )

    def _pace(self, calls: int) -> None:
        """Wait until ``calls`` more fit in the last minute's budget."""
        while True:
            now = time.monotonic()
            while self._sent and now - self._sent[0][0] >= 60.0:
                self._sent.popleft()
            used = sum(n for _, n in self._sent)
            if used + calls <= CALLS_PER_MINUTE or not self._sent:
                self._sent.append((now, calls))
                return
            wait = 60.0 - (now - self._sent[0][0]) + 0.1
            self.echo(f"  pacing under ANAF's call limit: waiting {wait:.0f} s")
            end = time.monotonic() + wait
            while time.monotonic() < end:
                self.check()
                time.sleep(min(1.0, max(0.0, end - time.monotonic())))

    def submit(self, invoice_ids: list[str]) -> None:
        for start in range(0, len(invoice_ids), WAVE):
            wave = invoice_ids[start : start + WAVE]
            self.check()
            self._pace(len(wave) * CALLS_PER_SUBMISSION)
            for invoice_id in wave:
                self._start(invoice_id)
            self.settle("submissions")
            self.echo(f"  submitted {start + len(wave)} of {len(invoice_ids)} to the ANAF double")

    def refuse_each(self, invoice_ids: list[str]) -> None:
        for invoice_id in invoice_ids:
            self.check()
            self._pace(1)
            self.double.add_fault(FaultKind.NOK, "upload", times=1, message=REFUSAL)
            self._start(invoice_id)
            self.settle("a refused submission")
        if invoice_ids:
            self.echo(f"  {len(invoice_ids)} documents refused by the ANAF double")

    def receive(self, documents: list[bytes]) -> None:
        cui = "".join(c for c in (self.platform.tenants.get(self.ctx.slug).cui or "") if c.isdigit())
        for xml in documents:
            self.double.deliver_inbound(xml, cui)
        self._pace(2 + len(documents))
        with tenant_scope(self.ctx), UnitOfWork(self.platform.databases) as uow:
            JobService(self.platform.databases).start(uow, EfacturaWorkRequested(action=INBOUND))
        self.settle("supplier invoices")
        self.echo(f"  {len(documents)} supplier invoices filed in the ANAF double and fetched")


__all__ = ["Submitter"]

"""Bank statements and reconciliation (part of accounting): import MT940/CAMT.053 statements, match
their lines to open invoices, reconcile and post receipts and payments.

Inner shape (DESIGN.md): ``domain/`` (pure: dedup keys, invoice references in payment details,
partner names, the matcher and its tunables), ``events`` and ``messages`` (the public contract:
``accounting.bank_statement.imported``, ``accounting.bank_line.reconciled``, the worker request
``worker.request.match``), ``handlers/`` (import, match, confirm, read model; one unit of work
each), ``subscriptions`` (sales/procurement events -> open items), ``tables`` + ``repository``,
``queries``, ``api`` + ``schemas`` (HTTP under ``/api/v1/accounting/bank``). ``BANK_COMPONENT``
is the tenant-database migration component (schema ``bank``, tables ``bank_*``), listed in
``bootstrap.tenant_components`` after accounting's.

Open invoices: the bank part keeps its own read model (``bank_open_items``), fed by
``sales.invoice.issued``, ``sales.credit_note.issued``, ``sales.invoice.cancelled``,
``sales.partner.created/updated`` and ``procurement.supplier_invoice.received`` through the
inbox. The ledger's 4111/401 partner balances cannot say *which* invoice a line pays (numbers,
due dates, what is still open of each), and matching needs exactly that; the reconciliation
itself posts to the ledger through ``handlers.postings.post_settlement`` (512x = 4111, 401 =
512x; a currency line at the BNR rate of its date, the difference from the invoice's booked lei
value on 7651/6651) and bank fees through ``handlers.entries.post`` (627 = 512x); a line that pays no invoice
(salaries, taxes, VAT, interest, own transfers) is posted by a person to the account they name
(``handlers.direct``, ``POST /lines/{id}/post``). The treasury
account (5121, 5124 or an IBAN's analytic) is accounting's ``handlers.treasury.treasury_account``.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

BANK_COMPONENT = MigrationComponent(name="bank", schema="bank", script_location=migrations_folder(__file__))

__all__ = ["BANK_COMPONENT"]

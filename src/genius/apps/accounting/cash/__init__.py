"""Cash register (registrul de casă, part of accounting): receipts, payments and other cash operations.

Inner shape (DESIGN.md, as ``accounting/bank``): ``domain`` (pure: kinds of operation, Law
70/2015's cash limits, a balance never below zero), ``tables`` + ``repository``, ``handlers``
(``record``: one operation in the caller's unit of work, posting through accounting's
``handlers.postings.post_settlement`` for an invoice, ``handlers.entries.post`` otherwise, journal
CS; ``cancel``: its red-storno reversal through ``handlers.entries.reverse_owned``, the invoice open
again), ``queries`` (the daily register: opening, entries, closing, from the ledger), ``api`` +
``schemas`` (HTTP under ``/api/v1/accounting/cash``). ``CASH_COMPONENT`` is the tenant-database
migration component (schema ``cash``, tables ``cash_*``), listed in ``bootstrap.tenant_components``
after accounting's.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

CASH_COMPONENT = MigrationComponent(name="cash", schema="cash", script_location=migrations_folder(__file__))

__all__ = ["CASH_COMPONENT"]

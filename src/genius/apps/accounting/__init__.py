"""Accounting (brand Numeriqo Accounting): the ledger, automatic postings and reports.

Inner shape (DESIGN.md): ``domain/`` (pure: accounts, entries, periods, VAT treatments, posting
builders, rules), ``commands``, ``events`` (``accounting.journal.posted``), ``handlers/`` (one
unit of work each), ``subscriptions`` (sales events -> postings), ``tables`` + ``repository``,
``queries/`` (reports), ``exports`` (CSV/XLSX/PDF), ``api/`` (HTTP under
``/api/v1/accounting``). ``ACCOUNTING_COMPONENT`` is the tenant-database migration component
(schema ``accounting``, tables ``acc_*``), listed in ``bootstrap.tenant_components``.

For the bank part (``accounting/bank/``): post a matched receipt or payment with

    from genius.apps.accounting.handlers.postings import post_settlement
    from genius.apps.accounting.domain.postings import Settlement
    from genius.apps.accounting.domain.entries import SourceDocument

    with UnitOfWork(databases, tenant=ctx) as uow:
        if handle_once(uow.connection, "accounting.bank.match", statement_line_id):  # optional
            entry = post_settlement(uow, Settlement(
                kind="receipt",                        # or "payment"
                source=SourceDocument("bank_statement_line", line_id, statement_ref),
                on=value_date, partner_id=partner_id,
                partner_account=partner_account(uow, partner_id, "customer"),  # 4111.000nn
                treasury_account=treasury_account(uow, iban, "RON"),  # handlers.treasury: 5121/5124
                amount=Decimal("1190.00"),             # lei; a currency line also gives currency,
                booked_amount=None,                    # currency_amount, exchange_rate and the
            ))                                         # booked lei value (FX 665/765)

``post_settlement`` checks the period, posts in the bank (512x) or cash (531x) register,
publishes ``accounting.journal.posted`` and refuses a second posting of the same source
(``AlreadyPosted``). ``partner_account`` returns (creating on first use) the partner's analytic.
``handlers.treasury.treasury_account(uow, iban, currency)`` gives the bank account's ledger account
(configured per IBAN, else 5121 / 5124); ``handlers.fx_rates.rate_on(conn, currency, day)`` the BNR
rate valuing a currency operation of that day (accounting's own copy, ``acc_fx_rates``, stored by
``store_bnr_document`` from the entry points that import BNR's sheets), ``NoFxRate`` when missing.

For the D406 export (``genius.apps.accounting.queries.saft``): ``stream_entries(conn, first,
last)`` yields posted entries with their lines in (date, journal, number) order without loading a
month into memory; ``ledger_totals(conn, first, last)`` gives the entry count and debit/credit
totals of the section header; ``account_balances(conn, first, last)`` gives opening and closing
balances per account (GeneralLedgerAccounts); amounts are ``Decimal`` lei.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

ACCOUNTING_COMPONENT = MigrationComponent(
    name="accounting", schema="accounting", script_location=migrations_folder(__file__)
)

__all__ = ["ACCOUNTING_COMPONENT"]

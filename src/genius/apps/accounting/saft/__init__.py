"""SAF-T D406 of the ledger (part of accounting): the read model it needs and the export of a period.

Inner shape (DESIGN.md): ``domain`` (pure: periods, partner IDs, tax codes of VAT treatments),
``events`` (``accounting.saft.exported``) and ``messages`` (``worker.request.anaf.saft``),
``subscriptions`` (consumer ``accounting.saft``: sales events + issued UBL -> read model),
``tables`` + ``read_model`` (the ``acc_saft_*`` tables, migration 0003 of the accounting
component), ``masters`` / ``streams`` (Header, MasterFiles, streamed GL, SalesInvoices, Payments),
``export`` (readiness, pre-validation, write, register), ``api`` + ``schemas`` (HTTP under
``/api/v1/accounting/saft``). The worker is ``genius.workers.anaf_saft``, the CLI ``genius saft``.

    from genius.apps.accounting.saft.export import export_d406
    from genius.apps.accounting.saft.domain import parse_period
    from genius.apps.accounting.saft.masters import TenantProfile

    with open(tmp, "wb") as out:
        result = export_d406(engine, TenantProfile(name, cui), parse_period("2026-10"), out, created=today)

The pure writer and pre-validator are ``genius.fiscal.ro.saft`` (docs/saft-d406.md).
"""

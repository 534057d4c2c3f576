"""The export register: the ``acc_saft_exports`` row and ``accounting.saft.exported``, in one unit of work."""

from __future__ import annotations

import json

from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.events import SaftExported
from genius.apps.accounting.saft.export.result import ExportResult, finding_dict
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork


def record_export(
    uow: UnitOfWork,
    export_id: str,
    result: ExportResult,
    *,
    storage_key: str | None,
    stored_size: int | None,
    by: str | None,
) -> SaftExported:
    """The register row and ``accounting.saft.exported``, committed together in ``uow``."""
    period = result.period
    uow.connection.execute(
        st.exports.insert().values(
            id=export_id,
            period=period.label,
            report_type=period.report_type.value,
            first_day=period.first,
            last_day=period.last,
            storage_key=storage_key,
            file_name=result.file_name,
            sha256=result.sha256,
            size=result.size,
            stored_size=stored_size,
            summary=json.dumps(
                {"counts": result.counts, "warnings": [finding_dict(f) for f in result.warnings]},
                ensure_ascii=False,
            ),
            created_at=utcnow(),
            created_by=by,
        )
    )
    event = SaftExported(
        export_id=export_id,
        period=period.label,
        report_type=period.report_type.value,
        first_day=period.first,
        last_day=period.last,
        file_name=result.file_name,
        storage_key=storage_key,
        sha256=result.sha256,
        size=result.size,
        transactions=result.summary.transactions,
        transaction_lines=result.summary.transaction_lines,
        sales_invoices=result.summary.sales_invoices,
        payments=result.summary.payments,
        warnings=len(result.warnings),
        exported_by=by,
    )
    uow.publish(event)
    return event

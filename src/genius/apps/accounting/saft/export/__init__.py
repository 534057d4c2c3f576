"""The D406 export of a period: readiness checks, pre-validation, the write, the register.

    result = export_d406(engine, TenantProfile(name, cui), parse_period("2026-10"), out, created=today)

``parse_period`` says which declaration: ``2026-10`` monthly (L), ``2026-Q3`` quarterly (T), both
written by ``periodic`` (streamed from the ledger in constant memory); ``2026`` the annual fixed-
asset declaration (A), written by ``annual`` from the register. Shared parts: ``output`` (the read
snapshot, hashing, progress, the Header), ``readiness`` (what must be done first),
``result`` (``ExportResult``, ``SaftRefused``), ``registered`` (the export register row and
``accounting.saft.exported``). Refusals after bytes went to ``out`` mean the caller discards them
(the CLI writes to a temporary file; the worker stores only a finished, accepted file).
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from sqlalchemy import Engine

from genius.apps.accounting.saft import streams
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.export.annual import export_annual
from genius.apps.accounting.saft.export.output import ProgressSink, file_name, snapshot
from genius.apps.accounting.saft.export.periodic import export_periodic
from genius.apps.accounting.saft.export.readiness import check_ready, readiness
from genius.apps.accounting.saft.export.registered import record_export
from genius.apps.accounting.saft.export.result import ExportResult, SaftRefused, finding_dict
from genius.apps.accounting.saft.masters.company import TenantProfile
from genius.fiscal.ro.saft import Target
from genius.fiscal.ro.saft.model import ReportType


def export_d406(
    engine: Engine,
    profile: TenantProfile,
    period: ReportPeriod,
    out: BinaryIO,
    *,
    created: date,
    target: Target = Target.FILING,
    progress: ProgressSink | None = None,
    batch: int = streams.STREAM_BATCH,
) -> ExportResult:
    """Write the D406 of ``period`` to ``out`` (see ``periodic`` and ``annual`` for the steps)."""
    if period.report_type is ReportType.ANNUAL_ASSETS:
        return export_annual(engine, profile, period, out, created=created, target=target, progress=progress)
    return export_periodic(
        engine, profile, period, out, created=created, target=target, progress=progress, batch=batch
    )


__all__ = [
    "ExportResult",
    "SaftRefused",
    "check_ready",
    "export_d406",
    "file_name",
    "finding_dict",
    "readiness",
    "record_export",
    "snapshot",
]

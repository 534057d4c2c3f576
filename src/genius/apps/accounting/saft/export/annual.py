"""The annual D406 (HeaderComment A): GeneralLedgerAccounts, AnalysisTypeTable and the fixed-asset
register (Assets, AssetTransactions) of a financial year; the other sections are written empty.

In the export's one read snapshot: refused while the year has draft entries; the Header (as for
L/T); the sections (``masters.assets``: a list, the register grows with assets, not journal
lines); the pre-validation (``genius.fiscal.ro.saft.prevalidate``, asset checks included) before
anything is written, plus a warning per asset whose depreciation of a month of the year up to
the last month already over is not posted; then the write. A tenant without assets gets a valid
file with ``<Assets/>`` and ``NumberOfAssetTransactions`` 0 (both allowed by the XSD).
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection, Engine

from genius.apps.accounting.assets import repository as register
from genius.apps.accounting.assets.domain.schedule import linear_schedule
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.saft import masters
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.export.output import (
    Digest,
    ProgressSink,
    file_name,
    make_header,
    snapshot,
)
from genius.apps.accounting.saft.export.readiness import check_ready
from genius.apps.accounting.saft.export.result import ExportResult, refuse_errors
from genius.apps.accounting.saft.masters.assets import asset_transactions
from genius.apps.accounting.saft.masters.company import TenantProfile
from genius.fiscal.ro.saft import Finding, Severity, Target, prevalidate, write_d406
from genius.fiscal.ro.saft.model import SourceDocuments
from genius.fiscal.ro.saft.prevalidate import EntityKind

RUN = "POST /api/v1/accounting/assets/depreciation"


def missing_depreciation(conn: Connection, period: ReportPeriod, today: date) -> list[Finding]:
    """A warning per asset owing depreciation for a month of ``period`` already over, not posted."""
    last_over = Period.of(today)  # months before this one are over
    out = []
    for row in register.list_assets(conn, acquired_until=period.last, held_from=period.first):
        spec = row.spec
        done = {month for month, _, _ in row.posted}
        stop = Period.of(row.disposed_on) if row.disposed_on else None
        missing = [
            str(line.month)
            for line in linear_schedule(spec.acquisition_value, spec.life_months, spec.commissioning_date)
            if period.first <= line.month.first_day <= period.last
            and line.month < last_over
            and (stop is None or line.month < stop)
            and line.month not in done
            and line.amount
        ]
        if missing:
            out.append(
                Finding(
                    "ASSET_DEPRECIATION_MISSING",
                    Severity.WARNING,
                    f"Amortizarea mijlocului fix {spec.inventory_no} nu este înregistrată pentru "
                    f"{', '.join(missing)}; rulați amortizarea lunii ({RUN}).",
                    f"The depreciation of fixed asset {spec.inventory_no} is not posted for "
                    f"{', '.join(missing)}; run the month's depreciation ({RUN}).",
                    EntityKind.ASSET,
                    spec.inventory_no,
                    "DepreciationForPeriod",
                )
            )
    return out


def export_annual(
    engine: Engine,
    profile: TenantProfile,
    period: ReportPeriod,
    out: BinaryIO,
    *,
    created: date,
    target: Target = Target.FILING,
    progress: ProgressSink | None = None,
) -> ExportResult:
    with snapshot(engine) as conn:
        check_ready(conn, period)
        header = make_header(conn, profile, period, created)
        master_files = masters.master_files(conn, period)
        documents = SourceDocuments(asset_transactions=asset_transactions(conn, period))
        if progress is not None:
            progress(1, f"D406 {period.label}: {len(list(master_files.assets))} fixed assets to check")
        findings = prevalidate(header, master_files, None, documents)
        findings += missing_depreciation(conn, period, created)
        refuse_errors(period, findings)
        digest = Digest(out)
        summary = write_d406(digest, header, master_files, None, documents, target=target)  # type: ignore[arg-type]
        digest.flush()
    return ExportResult(
        period=period,
        file_name=file_name(profile, period),
        sha256=digest.hash.hexdigest(),
        size=digest.size,
        summary=summary,
        warnings=[f for f in findings if f.severity is Severity.WARNING],
    )

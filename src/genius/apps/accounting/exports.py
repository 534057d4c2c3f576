"""Reports as files: CSV (UTF-8 with BOM, ``;``, for Romanian Excel), XLSX (openpyxl), PDF (WeasyPrint).

PDF: a report of at most ``PDF_SYNC_MAX_ROWS`` rows is rendered in the request with WeasyPrint
(a trial balance or a VAT journal of an SME renders in well under a second); a longer one (a
year's general ledger) is handed to the ``pdf.render`` worker as a job (202 + job id, the PDF
lands in the tenant's bucket under ``accounting/reports/``), so no request holds a worker thread
for minutes. The same HTML template serves both paths.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.accounting.queries.report import ReportTable
from genius.kernel.errors import ValidationError

FORMATS = ("json", "csv", "xlsx", "pdf")
PDF_SYNC_MAX_ROWS = 2000
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

TEMPLATE = """<!doctype html>
<html lang="ro"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<p class="sub">{{ subtitle }}</p>
<table>
<thead><tr>{% for c in columns %}<th>{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}
<td class="{{ kinds[loop.index0] }}">{{ cell }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
{% if totals %}<tfoot><tr>{% for cell in totals %}
<td class="{{ kinds[loop.index0] }}">{{ cell }}</td>{% endfor %}</tr></tfoot>{% endif %}
</table>
</body></html>
"""

STYLESHEET = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 7pt; }
h1 { font-size: 12pt; margin: 0; } .sub { margin: 2pt 0 6pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.3pt solid #999; padding: 1.5pt 3pt; }
th { background: #eee; } td.amount, td.integer { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; }
"""


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    media_type: str
    filename: str


def check_format(value: str) -> str:
    if value not in FORMATS:
        raise ValidationError.for_field("format", f"{value!r}: use one of {', '.join(FORMATS)}")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _filename(report: ReportTable, extension: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"{report.name}-{report.subtitle}")
    return f"{stem.strip('-')[:120]}.{extension}"


def to_csv(report: ReportTable) -> ExportedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in report.columns])
    for row in report.rows:
        writer.writerow([_cell(v) for v in row])
    if report.totals:
        writer.writerow([_cell(v) for v in report.totals])
    # BOM: Excel in Romanian locale opens UTF-8 (ă, î, ș, ț) correctly only with it.
    return ExportedFile(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), MEDIA_TYPES["csv"], _filename(report, "csv")
    )


def to_xlsx(report: ReportTable) -> ExportedFile:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(report.title[:31])
    sheet.append([report.title])
    sheet.append([report.subtitle])
    sheet.append([c.label for c in report.columns])

    def value(v: Any) -> Any:
        return float(v) if isinstance(v, Decimal) else v  # Excel cells hold binary floats anyway

    for row in report.rows:
        sheet.append([value(v) for v in row])
    if report.totals:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for v in report.totals:
            cell = WriteOnlyCell(sheet, value=value(v))
            cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportedFile(buffer.getvalue(), MEDIA_TYPES["xlsx"], _filename(report, "xlsx"))


def template_data(report: ReportTable) -> dict[str, Any]:
    """The values TEMPLATE reads (also what a pdf.render job carries)."""
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "columns": [{"label": c.label} for c in report.columns],
        "kinds": [c.kind for c in report.columns],
        "rows": [[_cell(v) for v in row] for row in report.rows],
        "totals": [_cell(v) for v in report.totals] if report.totals else None,
    }


def to_pdf(report: ReportTable) -> ExportedFile:
    """Render in process (small reports; see the module docstring)."""
    from jinja2.sandbox import SandboxedEnvironment
    from weasyprint import CSS, HTML

    html = SandboxedEnvironment(autoescape=True).from_string(TEMPLATE).render(**template_data(report))
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=STYLESHEET)])
    return ExportedFile(pdf, MEDIA_TYPES["pdf"], _filename(report, "pdf"))


def export(report: ReportTable, fmt: str) -> ExportedFile:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "pdf":
        return to_pdf(report)
    raise ValidationError.for_field("format", f"{fmt!r} is not a file format")

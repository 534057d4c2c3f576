"""Worker pdf.render: Romanian text survives HTML -> PDF -> text exactly; sandbox, escaping, storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from genius.bootstrap import Platform
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.storage import InvalidKey
from genius.workers.pdf_render import RenderFailed, handle, render_pdf
from tests.workers.pdf_text import pdftotext

# Every Romanian letter with a diacritic, lower and upper case, with the comma-below ș ț Ș Ț
# (U+0219, U+021B, U+0218, U+021A), in words an invoice really carries.
LINES = [
    "Factură fiscală seria GEN nr. 2026-0001",
    "Furnizor: Întreprinderea Științifică Brașov SRL",
    "Client: Țesătoria Ardeleană din Târgu Mureș",
    "ă â î ș ț Ă Â Î Ș Ț",
    "Plată în 30 de zile; mulțumim pentru încredere!",
]
TEMPLATE = """<!doctype html><html lang="ro"><head><meta charset="utf-8"></head><body>
{% for line in lines %}<p>{{ line }}</p>
{% endfor %}</body></html>"""


def test_romanian_diacritics_come_back_exactly(tmp_path: Path) -> None:
    pdf, pages = render_pdf(TEMPLATE, {"lines": LINES})
    assert pages == 1 and pdf.startswith(b"%PDF-")
    extracted = [line for line in pdftotext(pdf, tmp_path).splitlines() if line.strip("\f")]
    assert extracted == LINES
    # A second extractor, independent of poppler.
    reader = PdfReader(tmp_path / "out.pdf")
    assert [line for line in reader.pages[0].extract_text().splitlines() if line.strip()] == LINES
    fonts = {str(f["/BaseFont"]) for f in _fonts(reader)}
    assert fonts and all(name.split("+", 1)[-1].startswith("DejaVu") for name in fonts), fonts


def _fonts(reader: PdfReader) -> list[dict]:  # type: ignore[type-arg]
    resources = reader.pages[0]["/Resources"]["/Font"]
    return [resources[name].get_object() for name in resources]


def test_data_is_escaped_and_undefined_names_are_refused(tmp_path: Path) -> None:
    pdf, _ = render_pdf("<p>{{ name }}</p>", {"name": "<b>Ion & Ioana</b>"})
    assert "<b>Ion & Ioana</b>" in pdftotext(pdf, tmp_path)
    with pytest.raises(RenderFailed) as caught:
        render_pdf("<p>{{ missing }}</p>", {})
    assert caught.value.problems[0].field == "template"


def test_the_sandbox_refuses_reaching_into_python() -> None:
    with pytest.raises(RenderFailed, match="Security"):
        render_pdf("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})


def test_local_files_are_not_read_into_the_pdf(tmp_path: Path) -> None:
    secret_css = tmp_path / "secret.css"
    secret_css.write_text('body::before { content: "SECRETVALUE"; }')
    template = f'<link rel="stylesheet" href="file://{secret_css}"><p>visible</p>'
    pdf, _ = render_pdf(template, {})
    text = pdftotext(pdf, tmp_path)
    assert "visible" in text and "SECRETVALUE" not in text


def test_handler_stores_the_pdf_in_the_tenant_bucket(
    platform: Platform, job: JobContext, tmp_path: Path
) -> None:
    request = PdfRenderRequested(
        template=TEMPLATE, key="sales/invoices/GEN-2026-0001.pdf", data={"lines": LINES}
    )
    result = handle(request, job, platform)
    stored = platform.storage.stat("acme", "sales/invoices/GEN-2026-0001.pdf")
    assert (result.key, result.sha256, result.size, result.pages) == (
        stored.key,
        stored.sha256,
        stored.size,
        1,
    )
    assert stored.content_type == "application/pdf" and result.job_id == job.job_id
    assert LINES[2] in pdftotext(platform.storage.get("acme", result.key), tmp_path)
    assert [p for p, _ in job.report] == [10, 80]  # type: ignore[union-attr]
    # Idempotent: the same request again writes the same key again.
    again = handle(request, job, platform)
    assert again.key == result.key and len(platform.storage.list("acme", "sales/")) == 1


def test_handler_refuses_bad_keys(platform: Platform, job: JobContext) -> None:
    with pytest.raises(InvalidKey):
        handle(PdfRenderRequested(template="x", key="../x.pdf"), job, platform)
    with pytest.raises(RenderFailed) as caught:
        handle(PdfRenderRequested(template="x", key="sales/x.txt"), job, platform)
    assert caught.value.problems[0].field == "key"

"""Worker ``pdf.render``: a Jinja2 HTML template and its data -> a PDF (WeasyPrint) in the tenant's bucket.

Fonts: the default stylesheet asks for DejaVu Sans (fonts-dejavu-core), which has every Romanian
letter, the comma-below ș ț Ș Ț (U+0218-U+021B) included; PDF viewers and pdftotext get the same
characters back through the font's ToUnicode map.

Safety: templates run in Jinja2's sandbox with autoescaping, and the renderer fetches nothing
from the network or the file system (only ``data:`` URLs), so a template cannot read local files
or reach internal hosts.

Idempotent: rendering the same request again writes the same key again.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

from genius.kernel.errors import ValidationError
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import PdfRendered, PdfRenderRequested
from genius.platform.storage import validate_key

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "pdf.render"
PDF_CONTENT_TYPE = "application/pdf"
# A4 with 2 cm margins and DejaVu Sans; apps add their own CSS after this.
DEFAULT_STYLESHEET = """
@page { size: A4; margin: 2cm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; }
"""


class RenderFailed(ValidationError):
    """The template or its data cannot produce a PDF (a fix to the request is needed)."""

    code = "pdf_render_failed"


def render_html(template: str, data: dict[str, Any]) -> str:
    """The HTML of ``template`` with ``data``: sandboxed, autoescaped, undefined names refused."""
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        return env.from_string(template).render(**data)
    except TemplateError as exc:
        raise RenderFailed.for_field("template", f"{type(exc).__name__}: {exc}") from exc


def render_pdf(template: str, data: dict[str, Any], stylesheet: str = "") -> tuple[bytes, int]:
    """(PDF bytes, page count) of a template and its data."""
    from weasyprint import CSS, HTML

    html = render_html(template, data)
    # WeasyPrint logs every CSS property it ignores at WARNING: keep its noise out of our logs.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _fetcher()
    stylesheets = [CSS(string=DEFAULT_STYLESHEET, url_fetcher=fetcher)]
    if stylesheet:
        stylesheets.append(CSS(string=stylesheet, url_fetcher=fetcher))
    document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=stylesheets)
    out = io.BytesIO()
    document.write_pdf(out)
    return out.getvalue(), len(document.pages)


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    # data: URLs only: no file://, no http(s):// (SSRF, local file disclosure).
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def handle(request: PdfRenderRequested, job: JobContext, platform: Platform) -> PdfRendered:
    validate_key(request.key)
    if not request.key.endswith(".pdf"):
        raise RenderFailed.for_field("key", "a PDF's key ends with .pdf")
    job.progress(10, "rendering")
    pdf, pages = render_pdf(request.template, dict(request.data), request.stylesheet)
    job.progress(80, f"{pages} page(s) rendered; storing")
    stored = platform.storage.put(job.tenant.slug, request.key, pdf, PDF_CONTENT_TYPE)
    return PdfRendered(job_id=job.job_id, key=stored.key, sha256=stored.sha256, size=stored.size, pages=pages)

"""The contracts of the platform's own workers: ``worker.request.<tag>`` and ``worker.response.<tag>``.

A caller starts one with ``JobService.start(uow, request)`` (a job row and the request commit
together) and reads the result on the job, or subscribes to the response. The handlers live in
``genius.workers.<module>``, the tag with underscores for dots (``pdf.render`` ->
``genius.workers.pdf_render``). Tags are lowercase words joined by dots (bus naming rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class PdfRenderRequested(Event):
    """Render an HTML template with data to a PDF stored in the tenant's bucket."""

    event_type: ClassVar[str] = "worker.request.pdf.render"
    schema_version: ClassVar[int] = 1

    template: Annotated[str, "Jinja2 HTML template (autoescaped, sandboxed)"]
    key: Annotated[str, "Storage key the PDF is written to, <app>/<path>.pdf"]
    data: Annotated[dict[str, Any], "Values the template reads"] = field(default_factory=dict)
    stylesheet: Annotated[str, "Extra CSS applied after the default one (DejaVu fonts, A4)"] = ""


@dataclass(frozen=True)
class PdfRendered(Event):
    """A PDF was rendered and stored."""

    event_type: ClassVar[str] = "worker.response.pdf.render"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that rendered it"]
    key: Annotated[str, "Storage key of the PDF"]
    sha256: Annotated[str, "SHA-256 of the PDF bytes, hex"]
    size: Annotated[int, "Size of the PDF in bytes"]
    pages: Annotated[int, "Number of pages"]


@dataclass(frozen=True)
class EmailSendRequested(Event):
    """Send one e-mail from the tenant's sender, with text and HTML bodies and stored attachments."""

    event_type: ClassVar[str] = "worker.request.email.send"
    schema_version: ClassVar[int] = 1

    to: Annotated[list[str], "Recipient addresses"]
    subject: Annotated[str, "Subject (UTF-8; Romanian diacritics allowed)"]
    text: Annotated[str, "Plain-text body"]
    html: Annotated[str | None, "HTML body, sent as the alternative to the text"] = None
    cc: Annotated[list[str], "Copy recipients"] = field(default_factory=list)
    bcc: Annotated[list[str], "Blind copy recipients (not in the headers)"] = field(default_factory=list)
    reply_to: Annotated[str | None, "Reply-To address"] = None
    attachments: Annotated[
        list[str], "Storage keys of attachments; the file name is the key's last segment"
    ] = field(default_factory=list)


@dataclass(frozen=True)
class EmailSent(Event):
    """An e-mail was accepted by the tenant's SMTP server."""

    event_type: ClassVar[str] = "worker.response.email.send"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that sent it"]
    message_id: Annotated[str, "The Message-ID header, derived from the job's idempotency key"]
    recipients: Annotated[list[str], "Every envelope recipient (to, cc, bcc)"]
    already_sent: Annotated[bool, "True when a repeated job found the message already sent"] = False


@dataclass(frozen=True)
class OcrRequested(Event):
    """Read the text of a stored image (PNG, JPEG, TIFF) or PDF with Tesseract."""

    event_type: ClassVar[str] = "worker.request.ocr"
    schema_version: ClassVar[int] = 1

    key: Annotated[str, "Storage key of the image or PDF"]
    language: Annotated[str, "Tesseract language(s), e.g. ron or ron+eng"] = "ron"
    psm: Annotated[int, "Tesseract page segmentation mode (6: one uniform block of text)"] = 6
    dpi: Annotated[int, "Resolution PDF pages are rasterised at"] = 300


@dataclass(frozen=True)
class OcrCompleted(Event):
    """The text of a document was read."""

    event_type: ClassVar[str] = "worker.response.ocr"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that read it"]
    key: Annotated[str, "Storage key of the document read"]
    text: Annotated[str, "The text, lines joined by newlines, pages by form feeds"]
    mean_confidence: Annotated[float, "Mean word confidence, 0-100"]
    pages: Annotated[int, "Pages read"]
    words: Annotated[
        list[dict[str, Any]], "Each word: text, confidence (0-100), page, left, top, width, height"
    ] = field(default_factory=list)

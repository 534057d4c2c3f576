"""Worker ``ocr``: the text of a stored image (PNG, JPEG, TIFF) or PDF, with each word's confidence.

Tesseract 5 with the Romanian model (``-l ron --psm 6``) is run as a subprocess with TSV output,
which gives every word with its confidence and box; lines are rebuilt from Tesseract's
block/paragraph/line numbers. PDF pages are rasterised first with ``pdftoppm`` (poppler).

Romanian text is normalised after OCR: the model often answers the cedilla letters ş ţ Ş Ţ
(U+015F, U+0163, U+015E, U+0162), while correct Romanian uses the comma-below ș ț Ș Ț
(U+0219, U+021B, U+0218, U+021A) (STACK-NOTES; SR 13411).

Idempotent: reading the same document again gives the same answer and changes nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genius.kernel.errors import ExternalServiceError, ValidationError
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import OcrCompleted, OcrRequested

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "ocr"
TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
_LANGUAGE = re.compile(r"^[a-z_]{3,20}(\+[a-z_]{3,20}){0,4}$")
# Tesseract 5 page segmentation modes 0-13 (0 is orientation only and gives no text).
PSM_RANGE = range(1, 14)
DPI_RANGE = range(72, 601)
# Tesseract parallelises with OpenMP; several jobs at once on a small machine do better single-threaded.
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"%PDF-": "pdf",
}


class OcrInputError(ValidationError):
    """The document or the options cannot be read (wrong format, bad language or mode)."""

    code = "ocr_bad_input"


class OcrFailed(ExternalServiceError):
    """Tesseract or pdftoppm failed or ran out of time."""

    code = "ocr_failed"


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    page: int
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class OcrResult:
    text: str
    words: list[Word]
    pages: int

    @property
    def mean_confidence(self) -> float:
        return round(sum(w.confidence for w in self.words) / len(self.words), 2) if self.words else 0.0


def normalise_romanian(text: str) -> str:
    """Cedilla ş ţ Ş Ţ -> comma-below ș ț Ș Ț."""
    return text.translate(CEDILLA_TO_COMMA)


def kind_of(data: bytes) -> str:
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    raise OcrInputError.for_field("key", "not a PNG, JPEG, TIFF or PDF document", "unsupported_format")


def read_document(
    data: bytes, *, language: str = "ron", psm: int = 6, dpi: int = 300, timeout: float = 300
) -> OcrResult:
    """OCR an image or a PDF given as bytes."""
    if not _LANGUAGE.fullmatch(language):
        raise OcrInputError.for_field(
            "language", f"{language!r}: Tesseract language codes joined by +, e.g. ron+eng"
        )
    if psm not in PSM_RANGE:
        raise OcrInputError.for_field("psm", "a page segmentation mode from 1 to 13")
    if dpi not in DPI_RANGE:
        raise OcrInputError.for_field("dpi", "from 72 to 600")
    kind = kind_of(data)
    with tempfile.TemporaryDirectory(prefix="genius-ocr-") as folder:
        work = Path(folder)
        if kind == "pdf":
            source = work / "document.pdf"
            source.write_bytes(data)
            _run([PDFTOPPM, "-r", str(dpi), "-png", str(source), str(work / "page")], timeout)
            images = sorted(work.glob("page*.png"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
        else:
            image = work / f"image.{kind}"
            image.write_bytes(data)
            images = [image]
        words: list[Word] = []
        texts: list[str] = []
        for number, image in enumerate(images, start=1):
            tsv = _run([TESSERACT, str(image), "stdout", "-l", language, "--psm", str(psm), "tsv"], timeout)
            page_words, page_text = _parse_tsv(tsv, number)
            words += page_words
            texts.append(page_text)
    return OcrResult(text="\f".join(texts), words=words, pages=len(images))


def _run(command: list[str], timeout: float) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=TESSERACT_ENV)
    except FileNotFoundError:
        raise OcrFailed(f"{command[0]} is not installed (scripts/system-packages.sh)") from None
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"{command[0]} took longer than {timeout:.0f}s") from None
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()[-500:]
        if "Failed loading language" in error:
            raise OcrInputError.for_field("language", f"Tesseract has no data for it: {error}")
        raise OcrFailed(f"{command[0]} failed ({done.returncode}): {error}")
    return done.stdout.decode("utf-8", errors="replace")


def _parse_tsv(tsv: str, page: int) -> tuple[list[Word], str]:
    """Words (level 5 rows with text) and the page's text, one line per Tesseract line."""
    words: list[Word] = []
    lines: dict[tuple[int, int, int], list[str]] = {}
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = normalise_romanian((row.get("text") or "").strip())
        if row.get("level") != "5" or not text:
            continue
        words.append(
            Word(
                text=text,
                confidence=round(max(0.0, float(row["conf"])), 2),
                page=page,
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
            )
        )
        lines.setdefault((int(row["block_num"]), int(row["par_num"]), int(row["line_num"])), []).append(text)
    return words, "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))


def handle(request: OcrRequested, job: JobContext, platform: Platform) -> OcrCompleted:
    job.progress(5, "reading the document")
    data = platform.storage.get(job.tenant.slug, request.key)
    job.progress(15, "recognising text")
    result = read_document(
        data, language=request.language, psm=request.psm, dpi=request.dpi, timeout=job.remaining()
    )
    job.progress(95, f"{len(result.words)} words on {result.pages} page(s)")
    return OcrCompleted(
        job_id=job.job_id,
        key=request.key,
        text=result.text,
        mean_confidence=result.mean_confidence,
        pages=result.pages,
        words=[
            {
                "text": w.text,
                "confidence": w.confidence,
                "page": w.page,
                "left": w.left,
                "top": w.top,
                "width": w.width,
                "height": w.height,
            }
            for w in result.words
        ],
    )

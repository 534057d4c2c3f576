"""The text of a rendered PDF read back with poppler's ``pdftotext``, for the PDF tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    """The text in content order (-raw keeps the space glyphs between single letters)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout

"""Fixtures for the e-Factura engine tests: the official oracle and the official examples."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def oracle(validation_dir: Path) -> Any:
    """ANAF's verdict, computed by ``../shared/validation/oracle.py`` (compiled once per run).

    ``oracle.check_text(xml)`` returns the oracle's dict (``anaf_ok``, ``ciusro_fatal``,
    ``anaf_other_fatal``, ``xsd_ok``, ...).
    """
    pytest.importorskip("saxonche")
    spec = importlib.util.spec_from_file_location("shared_validation_oracle", validation_dir / "oracle.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _TextOracle(module.Oracle(validation_dir))


class _TextOracle:
    """Adapts the file-based oracle to XML held in memory (tests write to a temp file)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def check_file(self, path: Path) -> dict[str, Any]:
        return self.inner.check(path)

    def check_text(self, xml: bytes | str, tmp_dir: Path | None = None) -> dict[str, Any]:
        import tempfile

        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        with tempfile.NamedTemporaryFile(suffix=".xml", dir=tmp_dir) as handle:
            handle.write(data)
            handle.flush()
            return self.inner.check(Path(handle.name))


def official_examples(validation_dir: Path) -> list[Path]:
    """Every official UBL example: EN 16931 (CEN) and CIUS-RO (ANAF)."""
    roots = [validation_dir / "en16931-ubl" / "examples", validation_dir / "ciusro" / "examples"]
    return sorted(p for r in roots for p in r.rglob("*") if p.suffix.lower() == ".xml")

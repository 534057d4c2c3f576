"""Which e-Factura modules run compiled (the optional Cython build of setup.py) and which as Python.

``pip install -e .`` (``make setup``) compiles the engine's hot modules (``NATIVE_MODULES``) with
Cython from the very same ``.py`` sources, when Cython and a C compiler are available; without
them everything runs as plain Python with identical results. A compiled module is only used
while it matches its source: the build writes the SHA-256 of the ``.py`` it compiled beside the
extension (``<extension>.source-sha256``), and the import hook installed by ``install()`` loads
the ``.py`` instead of any extension whose recorded hash is missing or differs (a source edited
after the build, a checkout of another commit). ``GENIUS_EFACTURA_PURE=1`` forces plain Python
for every module (the test comparing both forms' findings uses it).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Final

PACKAGE: Final = "genius.fiscal.ro.efactura"
PURE_ENV: Final = "GENIUS_EFACTURA_PURE"
HASH_SUFFIX: Final = ".source-sha256"

# Modules setup.py compiles, relative to the package: the validator (index and every rule
# module) and the builder. Parse, JSON form and the model stay Python (not on the hot path).
NATIVE_MODULES: Final[tuple[str, ...]] = (
    "build",
    "compute",
    "validate.document",
    "validate.findings",
    "validate.registry",
    "validate.validator",
    "validate.xpath",
    "validate.xsd",
    "validate.en16931.cardinality",
    "validate.en16931.codelists",
    "validate.en16931.decimals",
    "validate.en16931.lines",
    "validate.en16931.model",
    "validate.en16931.parties",
    "validate.en16931.references",
    "validate.en16931.selectors",
    "validate.en16931.syntax",
    "validate.en16931.totals",
    "validate.en16931.ubl_cr",
    "validate.en16931.vat_categories",
    "validate.en16931.vat_facts",
    "validate.en16931.vat_rates",
    "validate.ciusro.addresses",
    "validate.ciusro.header",
    "validate.ciusro.limits",
    "validate.ciusro.ruleset",
    "writer.document",
    "writer.elements",
    "writer.lines",
    "writer.parties",
    "writer.tree",
)


def source_digest(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _is_extension(origin: str | None) -> bool:
    return origin is not None and origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def _current(extension: str, source: str) -> bool:
    """The extension was compiled from this very source (its recorded hash matches)."""
    try:
        recorded = Path(extension + HASH_SUFFIX).read_text(encoding="ascii").strip()
    except OSError:
        return False
    return recorded == source_digest(source)


class _SourceUnlessCurrent:
    """Meta path finder: for the engine's modules, the ``.py`` unless a current extension exists."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(PACKAGE + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not _is_extension(spec.origin):
            return spec  # plain Python anyway (or not found: let the normal machinery say so)
        source = os.path.join(os.path.dirname(spec.origin), fullname.rpartition(".")[2] + ".py")  # type: ignore[arg-type]
        if not os.path.isfile(source):
            return spec  # an installation without sources: the extension is all there is
        if os.environ.get(PURE_ENV) != "1" and _current(spec.origin, source):  # type: ignore[arg-type]
            return spec
        return importlib.util.spec_from_file_location(fullname, source)


_FINDER: Final = _SourceUnlessCurrent()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once); called before the package imports anything."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def compiled_modules() -> list[str]:
    """The engine's modules imported so far that run compiled (empty: all plain Python)."""
    names = [f"{PACKAGE}.{name}" for name in NATIVE_MODULES]
    return [n for n in names if n in sys.modules and _is_extension(getattr(sys.modules[n], "__file__", None))]


install()  # on import: the package's __init__ imports this module before any other

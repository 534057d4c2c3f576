"""Checks a D406 file against ANAF's XSD, after mapping the filing namespace onto the XSD's.

ANAF's XSDs declare ``targetNamespace="mfp:anaf:dgti:d406t:declaratie:v1"`` (the test namespace)
while a filed D406 is in ``...:d406:...``: validated as is, lxml finds no declaration for the root.
The namespace is rewritten while the bytes are read, and the document is validated as it is
parsed, element by element, so a file of any size is checked in constant memory. The XSD is not
shipped with Genius: pass its path (``Ro_SAFT_Schema_v248_20231121.xsd``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from genius.fiscal.ro.saft.versions import FILING_NAMESPACE, TEST_NAMESPACE

_CHUNK = 1 << 16


@dataclass(frozen=True)
class XsdResult:
    """``ok`` when the document is valid; otherwise the first errors libxml2 reported."""

    ok: bool
    errors: tuple[str, ...]


@cache
def load_schema(xsd_path: str) -> etree.XMLSchema:
    """Parse the XSD once per path (it takes a few hundred milliseconds)."""
    return etree.XMLSchema(etree.parse(xsd_path))


class NamespaceMappingReader:
    """A read-only binary stream that replaces one namespace URI with another as it is read."""

    def __init__(self, source: BinaryIO, old: str = FILING_NAMESPACE, new: str = TEST_NAMESPACE) -> None:
        self._source = source
        self._old = old.encode()
        self._new = new.encode()
        self._pending = b""
        self._ready = b""
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._ready) < size):
            chunk = self._source.read(_CHUNK)
            if not chunk:
                self._eof = True
                self._ready += self._pending.replace(self._old, self._new)
                self._pending = b""
                break
            data = (self._pending + chunk).replace(self._old, self._new)
            # Keep a tail that could be the start of a URI split across two chunks.
            keep = len(self._old) - 1
            self._ready += data[:-keep] if keep else data
            self._pending = data[-keep:] if keep else b""
        if size < 0:
            out, self._ready = self._ready, b""
        else:
            out, self._ready = self._ready[:size], self._ready[size:]
        return out


def validate_stream(source: BinaryIO, xsd_path: str | Path, *, map_namespace: bool = True) -> XsdResult:
    """Validate a D406 document read from ``source`` while parsing it (constant memory)."""
    schema = load_schema(str(xsd_path))
    stream: BinaryIO = NamespaceMappingReader(source) if map_namespace else source  # type: ignore[assignment]
    # iterparse reports through lxml's per-thread error log: start it empty, or earlier
    # validations in this thread (an e-Factura XSD check, say) crowd out this document's errors.
    etree.clear_error_log()
    try:
        for _, element in etree.iterparse(stream, events=("end",), schema=schema, huge_tree=True):
            # Drop what was checked, so memory does not grow with the document.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        messages = (str(exc), *(str(entry) for entry in exc.error_log if str(entry) != str(exc)))
        return XsdResult(False, messages[:20])
    return XsdResult(True, ())


def validate_file(path: str | Path, xsd_path: str | Path, *, map_namespace: bool = True) -> XsdResult:
    with open(path, "rb") as handle:
        return validate_stream(handle, xsd_path, map_namespace=map_namespace)


def validate_bytes(document: bytes, xsd_path: str | Path, *, map_namespace: bool = True) -> XsdResult:
    """Validate a document held in memory and report every error (for tests and small files)."""
    schema = load_schema(str(xsd_path))
    if map_namespace:
        document = document.replace(FILING_NAMESPACE.encode(), TEST_NAMESPACE.encode())
    try:
        tree = etree.fromstring(document, parser=etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return XsdResult(False, (str(exc),))
    if schema.validate(tree):
        return XsdResult(True, ())
    return XsdResult(False, tuple(str(entry) for entry in schema.error_log))

"""Reading BNR's rates XML (daily, 10-day and yearly ``nbrfxrates*.xml``), fetched or from a file.

Shape (namespace ``http://www.bnr.ro/xsd``)::

    <DataSet><Header><PublishingDate>2025-01-10</PublishingDate><MessageType>DR</MessageType></Header>
      <Body><OrigCurrency>RON</OrigCurrency>
        <Cube date="2025-01-10"><Rate currency="EUR">4.9748</Rate>
          <Rate currency="HUF" multiplier="100">1.2080</Rate>...</Cube>...</Body></DataSet>

Parsed defensively (no DTD or entities, size-capped); every problem names the element at fault.
A rate left empty or ``-`` (not quoted that day) is skipped.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from genius.integrations.bnr.errors import BnrFormatError
from genius.integrations.bnr.model import BnrDocument, ExchangeRate, RateSheet
from genius.kernel.errors import ProblemCollector

BNR_NAMESPACE = "http://www.bnr.ro/xsd"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a yearly file is well under 1 MB
CURRENCY = re.compile(r"^[A-Z]{3}$")
N = {"b": BNR_NAMESPACE}


def _day(text: str | None, where: str, problems: ProblemCollector) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        problems.add(where, f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def parse_bnr_xml(data: bytes) -> BnrDocument:
    """BNR's rates XML -> ``BnrDocument`` (sheets oldest first), or ``BnrFormatError``."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BnrFormatError.for_field("DataSet", f"{len(data)} bytes exceed {MAX_DOCUMENT_BYTES}")
    if b"<!DOCTYPE" in data[:2048].upper():
        raise BnrFormatError.for_field("DataSet", "a DOCTYPE is not allowed")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BnrFormatError.for_field("DataSet", f"not well-formed XML: {exc}") from exc
    if root is None or root.tag != f"{{{BNR_NAMESPACE}}}DataSet":
        tag = "nothing" if root is None else root.tag
        raise BnrFormatError.for_field("DataSet", f"expected {{{BNR_NAMESPACE}}}DataSet, found {tag}")
    problems = ProblemCollector()
    published_text = root.findtext("b:Header/b:PublishingDate", namespaces=N)
    published = _day(published_text, "Header/PublishingDate", problems) if published_text else None
    sheets: list[RateSheet] = []
    for c, cube in enumerate(root.iterfind("b:Body/b:Cube", N), start=1):
        where = f"Body/Cube[{c}]"
        day = _day(cube.get("date"), f"{where}/@date", problems)
        rates: list[ExchangeRate] = []
        for r, node in enumerate(cube.iterfind("b:Rate", N), start=1):
            at = f"{where}/Rate[{r}]"
            currency = (node.get("currency") or "").strip().upper()
            if not CURRENCY.match(currency):
                problems.add(f"{at}/@currency", f"{currency!r} is not an ISO 4217 code")
                continue
            text = (node.text or "").strip()
            if text in ("", "-"):
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                problems.add(at, f"{currency}: {text!r} is not a number")
                continue
            if not value.is_finite() or value <= 0:
                problems.add(at, f"{currency}: the rate must be positive, got {text!r}")
                continue
            multiplier_text = node.get("multiplier", "1").strip()
            if not multiplier_text.isdigit() or int(multiplier_text) < 1:
                problems.add(
                    f"{at}/@multiplier", f"{currency}: {multiplier_text!r} is not a positive integer"
                )
                continue
            if day is not None:
                rates.append(ExchangeRate(day, currency, value, int(multiplier_text)))
        if day is not None:
            sheets.append(RateSheet(day, tuple(rates)))
    if problems.problems:
        first = problems.problems[0]
        more = f" (and {len(problems.problems) - 1} more)" if len(problems.problems) > 1 else ""
        raise BnrFormatError(
            f"BNR rates XML: {first.field}: {first.message}{more}", problems=problems.problems
        )
    sheets.sort(key=lambda sheet: sheet.day)
    return BnrDocument(
        publishing_date=published,
        message_type=(root.findtext("b:Header/b:MessageType", namespaces=N) or "").strip(),
        origin_currency=(root.findtext("b:Body/b:OrigCurrency", namespaces=N) or "RON").strip(),
        sheets=tuple(sheets),
    )


def load_file(path: str | Path) -> BnrDocument:
    """Offline import: a BNR rates file saved earlier (daily, 10-day or yearly)."""
    file = Path(path)
    if file.stat().st_size > MAX_DOCUMENT_BYTES:
        raise BnrFormatError.for_field("path", f"{file} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return parse_bnr_xml(file.read_bytes())


def load_stored(data: bytes, key: str) -> BnrDocument:
    """Offline import from object storage: the bytes of a BNR rates file stored under ``key``."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BnrFormatError.for_field("key", f"{key} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return parse_bnr_xml(data)


__all__ = ["BNR_NAMESPACE", "MAX_DOCUMENT_BYTES", "load_file", "load_stored", "parse_bnr_xml"]

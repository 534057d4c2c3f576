"""Benchmark of the e-Factura UBL parser: speed on real and large invoices, and how fast hostile
input is refused (``python -m bench efactura_parse``)."""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from genius.fiscal.ro.efactura.parse import MAX_DOCUMENT_BYTES, ParseError, parse_xml

VALIDATION_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "validation"
EXAMPLE_ROOTS = ("en16931-ubl/examples", "ciusro/examples")
REPEATS = 20  # timings are the median of this many runs
# CPU time of this process, not wall time: the benchmark machine is shared (2 cores, other jobs),
# and parsing is pure CPU work, so CPU time is the number that repeats.
_clock = time.process_time

_LINE = """<cac:InvoiceLine><cbc:ID>{n}</cbc:ID>
<cbc:InvoicedQuantity unitCode="H87">3.000</cbc:InvoicedQuantity>
<cbc:LineExtensionAmount currencyID="RON">30.00</cbc:LineExtensionAmount>
<cac:Item><cbc:Description>Articol de test numarul {n}</cbc:Description><cbc:Name>Articol {n}</cbc:Name>
<cac:SellersItemIdentification><cbc:ID>SKU-{n}</cbc:ID></cac:SellersItemIdentification>
<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>
<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
<cac:Price><cbc:PriceAmount currencyID="RON">10.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
"""
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>BENCH-1</cbc:ID><cbc:IssueDate>2026-03-31</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
<cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>{attachment}
<cac:AccountingSupplierParty><cac:Party><cac:PostalAddress><cbc:CityName>SECTOR1</cbc:CityName>
<cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:RegistrationName>Furnizor SRL</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cac:PostalAddress><cbc:CityName>Cluj-Napoca</cbc:CityName>
<cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:RegistrationName>Client SA</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingCustomerParty>
"""


def _synthetic(lines: int, attachment_bytes: int = 0) -> bytes:
    attachment = ""
    if attachment_bytes:
        payload = base64.b64encode(bytes(attachment_bytes)).decode()
        attachment = (
            "<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment>"
            '<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">'
            + payload
            + "</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"
        )
    body = "".join(_LINE.format(n=n) for n in range(1, lines + 1))
    return (_HEAD.format(attachment=attachment) + body + "</Invoice>").encode()


def _median_seconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = _clock()
        action()
        times.append(_clock() - start)
    return statistics.median(times)


def _refusal(data: bytes) -> Callable[[], object]:
    def refuse() -> object:
        try:
            parse_xml(data)
        except ParseError as error:
            return error
        raise AssertionError("hostile input was accepted")

    return refuse


def run() -> str:
    rows = ["| input | size | median CPU time | note |", "|---|---:|---:|---|"]

    def row(
        name: str, data: bytes, action: Callable[[], object], note: str = "", repeats: int = REPEATS
    ) -> None:
        seconds = _median_seconds(action, repeats)
        shown = f"{seconds * 1000:,.1f} ms" if seconds >= 0.001 else f"{seconds * 1_000_000:,.0f} µs"
        rows.append(f"| {name} | {len(data) / 1024:,.1f} KiB | {shown} | {note} |")

    if VALIDATION_DIR.is_dir():
        examples = [
            p.read_bytes()
            for r in EXAMPLE_ROOTS
            for p in sorted((VALIDATION_DIR / r).rglob("*"))
            if p.suffix.lower() == ".xml"
        ]
        readable = [d for d in examples if b"<" in d[:4096]]
        total = sum(len(d) for d in readable)
        row(
            f"all {len(readable)} readable official examples",
            b"x" * total,
            lambda: [parse_xml(d) for d in readable],
            "one pass over every example",
        )
    for lines in (100, 2000):
        doc = _synthetic(lines)
        row(f"synthetic invoice, {lines} lines", doc, lambda doc=doc: parse_xml(doc))
    near_limit = _synthetic(10, attachment_bytes=7_000_000)
    assert len(near_limit) < MAX_DOCUMENT_BYTES
    row("invoice with a 7 MB attachment", near_limit, lambda: parse_xml(near_limit), "base64 -> bytes", 5)

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (f"a{i}".encode(), (f"&a{i - 1 or ''};" * 10).encode())
            for i in range(1, 10)
        )
        + b"]><r>&a9;</r>"
    )
    row("billion laughs", laughs, _refusal(laughs), "refused before parsing (DTD)")
    xxe = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    row("external entity (XXE)", xxe, _refusal(xxe), "refused before parsing (DTD)")
    huge = b"<Invoice>" + b" " * (21 * 1024 * 1024) + b"</Invoice>"
    row("21 MiB document", huge, _refusal(huge), f"over MAX_DOCUMENT_BYTES ({MAX_DOCUMENT_BYTES:,})")
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    row("100,000 nested elements", deep, _refusal(deep), "libxml2 depth limit (256)")
    return "\n".join(rows)


if __name__ == "__main__":
    print(run())

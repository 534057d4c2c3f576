"""A readable invoice in the usual Romanian layout, from the EN 16931 model: view data and HTML template.

Pure (no I/O): ``invoice_view(invoice, ...)`` turns a parsed or computed ``Invoice`` into plain,
JSON-serialisable data (strings only: it travels in a ``pdf.render`` job), ``TEMPLATE`` and
``STYLESHEET`` lay it out for the ``pdf.render`` worker (Jinja2, autoescaped, sandboxed). Used by
sales (the invoices we issue) and procurement (any UBL we receive), like ANAF's own
``transformare`` PDF but in our layout:

- header: document title (FACTURĂ / FACTURĂ STORNO / NOTĂ DE CREDIT), number, dates (dd.mm.yyyy),
  currency, the corrected invoice (BG-3) of a credit note;
- supplier and customer blocks: name, CUI / VAT id, Trade Register number (BT-30; the buyer's
  when the caller knows it), address, contact, share capital (BT-33);
- lines: name, unit, quantity, unit price, net value, VAT category and rate;
- VAT breakdown per category and rate (BG-23); totals (BG-22), VAT in RON (BT-111) for a foreign
  currency; payment details (IBAN, bank, BIC, payment reference); notes;
- the e-Factura upload index and download id once ANAF accepted it.

Amounts are written the Romanian way: ``1.234,56``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.fiscal.ro.efactura.model import Address, Invoice, Party

CREDIT_NOTE_CODES = frozenset({"381", "396", "532"})
CATEGORY_LABELS = {
    "S": "Standard",
    "Z": "Cota zero",
    "E": "Scutit",
    "AE": "Taxare inversă",
    "K": "Livrare intracomunitară scutită",
    "G": "Export scutit",
    "O": "Neimpozabil",
    "L": "IGIC (Canare)",
    "M": "IPSI (Ceuta și Melilla)",
}
PAYMENT_MEANS = {
    "1": "Nespecificat",
    "10": "Numerar",
    "30": "Transfer bancar",
    "31": "Transfer bancar",
    "42": "Plată în cont bancar",
    "48": "Card bancar",
    "49": "Debit direct",
    "58": "Transfer SEPA",
    "59": "Debit direct SEPA",
    "97": "Compensare",
}


def ro_amount(value: Decimal | None, places: int = 2) -> str:
    """``1234.5`` -> ``1.234,50`` (thousands with dots, decimals with a comma)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def ro_quantity(value: Decimal) -> str:
    """Quantities keep their written scale, at least none: ``2.50`` -> ``2,50``, ``10`` -> ``10``."""
    text = format(value.normalize() if value == value.to_integral() else value, "f")
    return text.replace(".", ",")


def ro_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _rate(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{ro_quantity(value)}%"


def _address_lines(address: Address) -> list[str]:
    street = ", ".join(p for p in (address.street, address.additional_street) if p)
    county = address.country_subdivision or ""
    place = ", ".join(p for p in (address.postal_code, address.city, county) if p)
    return [line for line in (street, place, address.country_code) if line]


def _party(party: Party, trade_register: str | None = None) -> dict[str, Any]:
    legal = party.legal_registration_id.value if party.legal_registration_id else None
    cui = party.vat_id or party.tax_registration_id
    if cui is None and legal and legal.isdigit():
        cui, legal = legal, None  # a buyer company is identified by its CUI in BT-47
    register = trade_register or (legal if legal and not legal.isdigit() else None)
    contact = party.contact
    return {
        "name": party.name,
        "cui": cui or "",
        "trade_register": register or "",
        "address": _address_lines(party.address),
        "email": (contact.email if contact else None) or "",
        "phone": (contact.telephone if contact else None) or "",
        "capital": party.additional_legal_info or "",
    }


@dataclass(frozen=True)
class EfacturaStamp:
    """ANAF's acceptance, printed once the invoice is in SPV."""

    upload_index: str
    download_id: str | None = None


def title_of(invoice: Invoice) -> str:
    if invoice.is_credit_note:
        return "NOTĂ DE CREDIT"
    if invoice.type_code in CREDIT_NOTE_CODES:
        return "FACTURĂ STORNO"
    return "FACTURĂ"


def invoice_view(
    invoice: Invoice,
    *,
    buyer_trade_register: str | None = None,
    efactura: EfacturaStamp | None = None,
) -> dict[str, Any]:
    """The data ``TEMPLATE`` reads (strings, lists and dicts only; never None)."""
    t = invoice.totals
    lines = [
        {
            "no": line.id,
            "name": line.item.name,
            "description": line.item.description or "",
            "unit": line.unit_code,
            "quantity": ro_quantity(line.quantity),
            "price": ro_amount(line.price.net_price, max(2, -int(line.price.net_price.as_tuple().exponent))),
            "net": ro_amount(line.net_amount),
            "vat": f"{line.item.vat_category} {_rate(line.item.vat_rate)}".strip(),
        }
        for line in invoice.lines
    ]
    breakdown = [
        {
            "label": f"{CATEGORY_LABELS.get(b.category, b.category)} ({b.category})"
            + (f" {_rate(b.rate)}" if b.rate is not None else ""),
            "taxable": ro_amount(b.taxable_amount),
            "tax": ro_amount(b.tax_amount),
            "reason": b.exemption_reason or b.exemption_reason_code or "",
        }
        for b in invoice.vat_breakdown
    ]
    payments = []
    for p in invoice.payment_instructions:
        for transfer in p.credit_transfers or [None]:  # type: ignore[list-item]
            payments.append(
                {
                    "means": PAYMENT_MEANS.get(p.means_code, p.means_text or p.means_code),
                    "iban": transfer.account_id if transfer else "",
                    "bank": (transfer.account_name or "") if transfer else "",
                    "bic": (transfer.service_provider_id or "") if transfer else "",
                    "reference": p.remittance_information or "",
                }
            )
    foreign = invoice.currency != "RON"
    return {
        "title": title_of(invoice),
        "number": invoice.number,
        "issue_date": ro_date(invoice.issue_date),
        "due_date": ro_date(invoice.due_date),
        "tax_point_date": ro_date(invoice.tax_point_date),
        "currency": invoice.currency,
        "corrects": [
            f"{p.number} din {ro_date(p.issue_date)}" if p.issue_date else p.number
            for p in invoice.preceding_invoices
        ],
        "seller": _party(invoice.seller),
        "buyer": _party(invoice.buyer, buyer_trade_register),
        "lines": lines,
        "vat_breakdown": breakdown,
        "totals": {
            "net": ro_amount(t.tax_exclusive_amount),
            "vat": ro_amount(t.vat_total),
            "total": ro_amount(t.tax_inclusive_amount),
            "prepaid": ro_amount(t.prepaid_amount) if t.prepaid_amount else "",
            "payable": ro_amount(t.payable_amount),
            "vat_ron": ro_amount(t.vat_total_accounting)
            if foreign and t.vat_total_accounting is not None
            else "",
        },
        "payments": payments,
        "payment_terms": invoice.payment_terms or "",
        "notes": [n.text for n in invoice.notes],
        # Empty (not None) when not in SPV: the data travels in a job, whose schema refuses nulls.
        "efactura": {"upload_index": efactura.upload_index, "download_id": efactura.download_id or ""}
        if efactura
        else {},
    }


STYLESHEET = """
@page { size: A4; margin: 1.5cm 1.5cm 2cm 1.5cm;
        @bottom-center { content: "Pagina " counter(page) " din " counter(pages); font-size: 8pt; } }
h1 { font-size: 16pt; margin: 0 0 4pt 0; letter-spacing: 1pt; }
.head { display: flex; justify-content: space-between; margin-bottom: 10pt; }
.meta td { padding: 1pt 6pt 1pt 0; }
.parties { width: 100%; border-collapse: collapse; margin-bottom: 10pt; }
.parties td { width: 50%; vertical-align: top; border: 0.5pt solid #999; padding: 6pt; }
.label { font-size: 8pt; text-transform: uppercase; color: #555; }
.name { font-weight: bold; font-size: 11pt; }
table.lines, table.vat { width: 100%; border-collapse: collapse; margin-bottom: 8pt; }
table.lines th, table.vat th { background: #eee; font-size: 8pt; border: 0.5pt solid #999; padding: 3pt; }
table.lines td, table.vat td { border: 0.5pt solid #bbb; padding: 3pt; font-size: 9pt; }
.num { text-align: right; white-space: nowrap; }
.totals { width: 45%; margin-left: 55%; border-collapse: collapse; }
.totals td { padding: 2pt 4pt; }
.totals .grand td { font-weight: bold; border-top: 1pt solid #000; font-size: 11pt; }
.efactura { margin-top: 10pt; padding: 5pt; border: 1pt solid #2a6; font-size: 9pt; }
.small { font-size: 8pt; color: #444; }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="ro"><head><meta charset="utf-8"><title>{{ title }} {{ number }}</title></head><body>
<div class="head">
  <div><h1>{{ title }}</h1>
    <table class="meta">
      <tr><td>Număr:</td><td><b>{{ number }}</b></td></tr>
      <tr><td>Data emiterii:</td><td>{{ issue_date }}</td></tr>
      {% if tax_point_date %}
      <tr><td>Data exigibilității TVA:</td><td>{{ tax_point_date }}</td></tr>
      {% endif %}
      {% if due_date %}<tr><td>Data scadenței:</td><td>{{ due_date }}</td></tr>{% endif %}
      <tr><td>Moneda:</td><td>{{ currency }}</td></tr>
      {% for c in corrects %}<tr><td>Corectează factura:</td><td>{{ c }}</td></tr>{% endfor %}
    </table>
  </div>
</div>
<table class="parties"><tr>
{% for role, p in [("Furnizor", seller), ("Cumpărător", buyer)] %}
  <td><div class="label">{{ role }}</div>
    <div class="name">{{ p.name }}</div>
    {% if p.cui %}<div>CUI / Cod TVA: {{ p.cui }}</div>{% endif %}
    {% if p.trade_register %}<div>Nr. Reg. Com.: {{ p.trade_register }}</div>{% endif %}
    {% for line in p.address %}<div>{{ line }}</div>{% endfor %}
    {% if p.capital %}<div>{{ p.capital }}</div>{% endif %}
    {% if p.email %}<div>E-mail: {{ p.email }}</div>{% endif %}
    {% if p.phone %}<div>Telefon: {{ p.phone }}</div>{% endif %}
  </td>
{% endfor %}
</tr></table>
<table class="lines">
  <thead><tr><th>Nr.</th><th>Denumirea produselor sau a serviciilor</th><th>U.M.</th><th>Cantitate</th>
  <th>Preț unitar (fără TVA)</th><th>Valoare</th><th>TVA</th></tr></thead>
  <tbody>
  {% for l in lines %}<tr><td>{{ l.no }}</td><td>{{ l.name }}
    {%- if l.description %}<div class="small">{{ l.description }}</div>{% endif %}</td>
    <td>{{ l.unit }}</td><td class="num">{{ l.quantity }}</td><td class="num">{{ l.price }}</td>
    <td class="num">{{ l.net }}</td><td>{{ l.vat }}</td></tr>{% endfor %}
  </tbody>
</table>
<table class="vat">
  <thead><tr><th>Cota TVA</th><th>Bază impozabilă</th><th>Valoare TVA</th><th>Motiv scutire</th></tr></thead>
  <tbody>{% for b in vat_breakdown %}<tr><td>{{ b.label }}</td><td class="num">{{ b.taxable }}</td>
    <td class="num">{{ b.tax }}</td><td>{{ b.reason }}</td></tr>{% endfor %}</tbody>
</table>
<table class="totals">
  <tr><td>Total fără TVA</td><td class="num">{{ totals.net }} {{ currency }}</td></tr>
  <tr><td>Total TVA</td><td class="num">{{ totals.vat }} {{ currency }}</td></tr>
  {% if totals.vat_ron %}
  <tr><td>Total TVA în lei</td><td class="num">{{ totals.vat_ron }} RON</td></tr>
  {% endif %}
  <tr><td>Total cu TVA</td><td class="num">{{ totals.total }} {{ currency }}</td></tr>
  {% if totals.prepaid %}
  <tr><td>Plătit în avans</td><td class="num">{{ totals.prepaid }} {{ currency }}</td></tr>
  {% endif %}
  <tr class="grand"><td>Total de plată</td><td class="num">{{ totals.payable }} {{ currency }}</td></tr>
</table>
{% if payments %}<div><div class="label">Detalii de plată</div>
{% for p in payments %}<div>{{ p.means }}
  {%- if p.iban %}: IBAN {{ p.iban }}{% endif %}{% if p.bank %}, {{ p.bank }}{% endif %}
  {%- if p.bic %}, BIC {{ p.bic }}{% endif %}
  {%- if p.reference %}; referință plată {{ p.reference }}{% endif %}</div>{% endfor %}
{% if payment_terms %}<div>{{ payment_terms }}</div>{% endif %}</div>{% endif %}
{% for n in notes %}<div class="small">{{ n }}</div>{% endfor %}
{% if efactura %}<div class="efactura">Factură transmisă în sistemul RO e-Factura (SPV, ANAF):
  index de încărcare {{ efactura.upload_index }}
  {%- if efactura.download_id %}, id descărcare {{ efactura.download_id }}{% endif %}.</div>{% endif %}
<p class="small">Documentul circulă fără semnătură și ștampilă (art. 319 alin. (29) din Codul fiscal).</p>
</body></html>
"""

__all__ = [
    "STYLESHEET",
    "TEMPLATE",
    "EfacturaStamp",
    "invoice_view",
    "ro_amount",
    "ro_date",
    "ro_quantity",
    "title_of",
]

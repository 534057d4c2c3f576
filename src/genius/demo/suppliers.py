"""Supplier invoices the demo company receives: UBL built by the e-Factura engine, filed in the double.

Each supplier is a Romanian VAT payer (``identities.supplier_firms``); its invoices to the demo
company are spread over the period's working days, numbered in the supplier's own series, and
carry what an IT firm buys: rent, utilities, fuel, telecom, hardware, cleaning, accounting
services, some goods under domestic reverse charge (art. 331) and some at the reduced rate. The
XML passes the same validator ANAF's double judges with; the double files it as ``FACTURA
PRIMITA`` for the buyer, and the tenant's inbound job reads it into the procurement register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from genius.fiscal.ro.efactura import build_xml, invoice_from_dict
from genius.fiscal.ro.vat import rate_for

# (item name, unit, unit price in RON, category, rate kind or None)
PURCHASES = (
    ("Chirie spatiu birouri", "MON", "6500.00", "S", "standard"),
    ("Energie electrica", "KWH", "1.12", "S", "standard"),
    ("Servicii telefonie si internet", "MON", "420.00", "S", "standard"),
    ("Motorina", "LTR", "7.45", "S", "standard"),
    ("Servicii curatenie birouri", "MON", "1800.00", "S", "standard"),
    ("Servicii contabilitate", "MON", "2500.00", "S", "standard"),
    ("Licente software antivirus", "H87", "210.00", "S", "standard"),
    ("Componente server", "H87", "3900.00", "S", "standard"),
    ("Rechizite birou", "H87", "18.50", "S", "standard"),
    ("Carti de specialitate", "H87", "95.00", "S", "reduced"),
    ("Apa minerala (bax)", "XPK", "21.00", "S", "reduced"),
    ("Telefoane mobile", "H87", "2100.00", "AE", None),
)


@dataclass(frozen=True)
class SupplierDocument:
    supplier: str  # name
    number: str
    issue_date: date
    xml: bytes


def _quantity(rng: random.Random, unit: str) -> str:
    if unit == "KWH":
        return str(rng.randint(800, 2400))
    if unit == "LTR":
        return str(rng.randint(80, 400))
    if unit == "MON":
        return "1"
    return str(rng.choice((1, 2, 3, 5, 10)))


def supplier_documents(
    rng: random.Random,
    suppliers: list[dict[str, Any]],
    buyer: dict[str, Any],
    days: list[date],
    count: int,
) -> list[SupplierDocument]:
    """``count`` invoices from ``suppliers`` to ``buyer`` (a party in the JSON form), in date order."""
    out: list[SupplierDocument] = []
    counters = {s["name"]: rng.randint(100, 900) for s in suppliers}
    for n in range(count):
        supplier = suppliers[n % len(suppliers)]
        day = days[min(len(days) - 1, n * len(days) // max(1, count))]
        counters[supplier["name"]] += 1
        number = f"{supplier['name'][:3].upper()}{day.year}-{counters[supplier['name']]:05d}"
        lines = []
        for i, (name, unit, price, cat, kind) in enumerate(rng.sample(PURCHASES, rng.randint(1, 3)), 1):
            item: dict[str, Any] = {"name": name, "vat_category": cat}
            item["vat_rate"] = f"{rate_for(kind, day):f}" if kind else "0"
            lines.append(
                {
                    "id": str(i),
                    "quantity": _quantity(rng, unit),
                    "unit_code": unit,
                    "price": {"net_price": price},
                    "item": item,
                }
            )
        if any(line["item"]["vat_category"] == "AE" for line in lines):
            lines = [line for line in lines if line["item"]["vat_category"] == "AE"]  # one treatment each
        seller = {k: v for k, v in supplier.items() if k not in ("iban", "bic")}
        document = {
            "number": number,
            "issue_date": day.isoformat(),
            "due_date": (day + timedelta(days=30)).isoformat(),
            "currency": "RON",
            "seller": seller,
            "buyer": buyer,
            "payment_instructions": [
                {
                    "means_code": "30",
                    "remittance_information": number,
                    "credit_transfers": [
                        {
                            "account_id": supplier["iban"],
                            "account_name": supplier["name"],
                            "service_provider_id": supplier["bic"],
                        }
                    ],
                }
            ],
            "lines": lines,
        }
        out.append(SupplierDocument(supplier["name"], number, day, build_xml(invoice_from_dict(document))))
    return out


__all__ = ["SupplierDocument", "supplier_documents"]

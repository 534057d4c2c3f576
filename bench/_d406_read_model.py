"""The D406 bench's read model: what ``accounting.saft`` would have copied for the generated ledger.

A ``bench.ledger_data.LedgerExtension``: the company, partners with CUI and address, products,
and one sales document per sales entry (``VZ``) with a line per VAT group.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bench.ledger_data import DrawnEntry, SourceRef

PRODUCTS = 60
# Partner CUIs: 1,000,000 + n with ANAF's check digit (stdnum), so every 00 + CUI is valid.
CUI_BASE = 1_000_000


def _cui(n: int) -> str:
    from stdnum.ro import cui

    base = str(CUI_BASE + n)
    return base + cui.calc_check_digit(base)


def _tax_code(treatment: str | None, rate: str | None) -> str:
    if treatment == "sale_intra_eu_goods":
        return "310301"
    return {"21": "310344", "11": "310351"}[rate or ""]


def _seed_read_model(conn: sa.Connection, customers: list[str], suppliers: list[str], now: datetime) -> None:
    from genius.apps.accounting.saft import tables as st

    conn.execute(
        st.company.insert().values(
            id=st.COMPANY_ROW,
            name="Bench Ledger SRL",
            vat_id="RO18547290",
            street="Str. Memorandumului 28",
            city="Cluj-Napoca",
            postal_code="400114",
            region="RO-CJ",
            country_code="RO",
            iban="RO49AAAA1B31007593840000",
            telephone="+40264000000",
            contact_first_name="Ioana",
            contact_last_name="Popescu",
            updated_at=now,
        )
    )
    rows = []
    for n, code in enumerate(customers + suppliers, 1):
        cui = _cui(n)
        rows.append(
            {
                "partner_id": f"p-{code}",
                "kind": "company",
                "name": f"Partener {code}",
                "cui": cui,
                "vat_id": f"RO{cui}",
                "country_code": "RO",
                "saft_id": f"00{cui}",
                "street": f"Str. Lungă {n}",
                "city": "Brașov",
                "postal_code": "500001",
                "region": "RO-BV",
                "address_country": "RO",
                "updated_at": now,
            }
        )
    conn.execute(st.partners.insert(), rows)
    conn.execute(
        st.products.insert(),
        [
            {
                "code": f"P{i:04d}",
                "description": f"Produs {i}",
                "unit_code": "H87" if i % 3 else "HUR",
                "commodity_code": "84713000" if i % 3 else "00000000",
                "goods_services": "01" if i % 3 else None,
                "updated_at": now,
            }
            for i in range(1, PRODUCTS + 1)
        ],
    )


class ReadModel:
    """The ``LedgerExtension`` that writes what the ``accounting.saft`` consumer would have copied.

    One sales document per sales entry (``VZ``) with a line per VAT group, its product drawn from
    the generator's random stream; the entry's source reference names the document.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.documents = 0
        self._docs: list[dict[str, Any]] = []
        self._doc_lines: list[dict[str, Any]] = []

    def seed(self, conn: sa.Connection, customers: list[str], suppliers: list[str]) -> None:
        _seed_read_model(conn, customers, suppliers, self.now)

    def source(self, entry: DrawnEntry, number: int, rng: random.Random) -> SourceRef | None:
        if entry.journal != "VZ":
            return None
        invoice_no = f"GEN-{number:07d}"
        drawn = entry.lines
        pid = drawn[0][3]
        doc_lines = []
        for index, (_account, _d, credit, _p, vt, vr, vo) in enumerate(drawn):
            if vo != "base":
                continue
            following = drawn[index + 1] if index + 1 < len(drawn) else None
            vat = following[2] if following is not None and following[6] == "tax" else 0
            product = rng.randint(1, PRODUCTS)
            doc_lines.append(
                {
                    "document_id": entry.id,
                    "line_no": len(doc_lines) + 1,
                    "line_ref": None,
                    "description": f"Produs {product}",
                    "product_code": f"P{product:04d}",
                    "quantity": "1",
                    "unit_code": "H87" if product % 3 else "HUR",
                    "unit_price": f"{credit / 100:.2f}",
                    "net_amount": f"{credit / 100:.2f}",
                    "net_bani": credit,
                    "vat_category": "K" if vt == "sale_intra_eu_goods" else "S",
                    "vat_rate": vr if vr != "0" else None,
                    "vat_bani": vat,
                    "vat_treatment": vt,
                    "tax_code": _tax_code(vt, vr),
                    "goods_services": "01" if product % 3 else None,
                }
            )
        self._doc_lines.extend(doc_lines)
        self._docs.append(
            {
                "id": entry.id,
                "source_type": "sales_invoice",
                "number": invoice_no,
                "type_code": "380",
                "issue_date": entry.day,
                "tax_point_date": entry.day,
                "currency": "RON",
                "exchange_rate": None,
                "partner_id": pid,
                "buyer_saft_id": f"00{_cui(int(pid.rsplit('.', 1)[1]))}",
                "buyer_name": f"Partener {pid[2:]}",
                "street": "Str. Lungă",
                "city": "Brașov",
                "postal_code": "500001",
                "region": "RO-BV",
                "country_code": "RO",
                "corrected_number": None,
                "status": "issued",
                "net_bani": sum(r["net_bani"] for r in doc_lines),
                "vat_bani": sum(r["vat_bani"] for r in doc_lines),
                "line_count": len(doc_lines),
                "xml_sha256": None,
                "event_id": None,
                "recorded_at": self.now,
            }
        )
        self.documents += 1
        return SourceRef("sales_invoice", entry.id, invoice_no, "issue")

    def flush(self, conn: sa.Connection) -> None:
        from genius.apps.accounting.saft import tables as st

        if self._docs:
            conn.execute(st.documents.insert(), self._docs)
            conn.execute(st.document_lines.insert(), self._doc_lines)
        self._docs, self._doc_lines = [], []

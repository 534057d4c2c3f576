"""The demo's sales plan: which documents are issued on which working day, to whom, with what lines.

Pure and deterministic: ``plan_documents(rng, period, partners, products, invoices=...)`` spreads
the invoices over the working days of ``period`` (weekends and Romanian fixed public holidays
left out, Codul muncii art. 139), in date order, and mixes the engine's scenarios by weight:
domestic 21 % and 11 %, exempt (E, VATEX), domestic reverse charge (AE, art. 331), intra-EU
supply of goods (K), export (G), domestic invoices in EUR (BNR rate of the tax point), document
allowances and charges, B2C invoices to individuals. About one invoice in twelve is partly or
wholly corrected by a credit note a few working days later. Drafts are written against partner
keys and product codes; the seeder swaps in the ids the sales app gave them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from genius.demo.catalog import DemoProduct
from genius.demo.identities import DemoPartner
from genius.fiscal.ro.vat import rate_for

# Romanian public holidays on fixed dates (Codul muncii art. 139; Easter and Pentecost move).
FIXED_HOLIDAYS = (
    (1, 1),
    (1, 2),
    (1, 6),
    (1, 7),
    (1, 24),
    (5, 1),
    (6, 1),
    (8, 15),
    (11, 30),
    (12, 1),
    (12, 25),
    (12, 26),
)
# Scenario -> weight (shares of the invoices; they need not add up to anything).
SCENARIOS = {
    "domestic_21": 34,
    "domestic_mixed": 8,
    "domestic_11": 6,
    "allowances_charges": 8,
    "exempt": 6,
    "reverse_charge": 5,
    "intra_eu": 7,
    "export": 5,
    "domestic_eur": 5,
    "b2c": 12,
}
CREDIT_SHARE = 12  # about one invoice in CREDIT_SHARE gets a credit note
CREDITABLE = ("domestic_21", "domestic_mixed", "domestic_11", "b2c")
EUR_PER_RON = Decimal("0.2")  # list prices converted for EUR documents (then rounded to cents)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """The three full calendar months before ``today``'s month."""

    start: date
    end: date

    @classmethod
    def before(cls, today: date, months: int = 3) -> Period:
        first_this_month = today.replace(day=1)
        year, month = first_this_month.year, first_this_month.month - months
        while month < 1:
            month += 12
            year -= 1
        return cls(date(year, month, 1), first_this_month - timedelta(days=1))

    def working_days(self) -> list[date]:
        days, day = [], self.start
        while day <= self.end:
            if day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS:
                days.append(day)
            day += timedelta(days=1)
        return days


@dataclass(frozen=True)
class PlannedLine:
    product: str  # product code
    quantity: Decimal
    price: Decimal | None = None  # None: the product's list price
    item: dict[str, Any] = field(default_factory=dict)  # overrides of the product's item


@dataclass(frozen=True)
class PlannedDocument:
    index: int  # position in the plan (date order)
    kind: str  # invoice or credit_note
    issue_date: date
    scenario: str
    partner: str  # partner key
    lines: tuple[PlannedLine, ...]
    currency: str = "RON"
    corrects: int | None = None  # the plan index of the invoice a credit note corrects
    extra: dict[str, Any] = field(default_factory=dict)  # allowances, charges, notes

    def draft(self, partner_ids: dict[str, str], product_ids: dict[str, str]) -> dict[str, Any]:
        """The draft in the sales app's JSON form, with the ids the app gave partners and products."""
        lines = []
        for number, line in enumerate(self.lines, start=1):
            out: dict[str, Any] = {
                "id": str(number),
                "product_id": product_ids[line.product],
                "quantity": f"{line.quantity:f}",
            }
            if line.price is not None:
                out["price"] = {"net_price": f"{line.price:f}"}
            if line.item:
                out["item"] = dict(line.item)
            lines.append(out)
        document: dict[str, Any] = {"issue_date": self.issue_date.isoformat(), "lines": lines, **self.extra}
        if self.kind == "invoice":
            document["currency"] = self.currency
            document["buyer"] = {"partner_id": partner_ids[self.partner]}
        return document


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _quantity(rng: random.Random, product: DemoProduct) -> Decimal:
    unit = product.product.unit_code
    if unit == "HUR":
        return Decimal(rng.choice((2, 4, 6, 8, 12, 16, 24, 40)))
    if unit in ("MTR", "KMT"):
        return Decimal(rng.choice((25, 50, 100, 150, 305)))
    if unit in ("KGM", "LTR", "XPK", "XBX"):
        return Decimal(rng.choice((2, 5, 10, 20, 40)))
    if unit == "TNE":
        return Decimal(rng.choice(("2.5", "5", "12", "24.75")))
    if product.goods:
        return Decimal(rng.choice((1, 1, 2, 3, 5, 10)))
    return Decimal(rng.choice((1, 1, 1, 2, 3)))


def _pick(rng: random.Random, pool: list[DemoProduct], count: int) -> list[DemoProduct]:
    return rng.sample(pool, min(count, len(pool)))


def _lines(rng: random.Random, pool: list[DemoProduct], count: int, **kwargs: Any) -> list[PlannedLine]:
    return [PlannedLine(p.key, _quantity(rng, p), **kwargs) for p in _pick(rng, pool, count)]


def _eur_lines(
    rng: random.Random, pool: list[DemoProduct], count: int, item: dict[str, Any] | None = None
) -> list[PlannedLine]:
    out = []
    for p in _pick(rng, pool, count):
        price = _money(Decimal(p.product.price or "1") * EUR_PER_RON)
        out.append(PlannedLine(p.key, _quantity(rng, p), price=price, item=dict(item or {})))
    return out


def _net(lines: list[PlannedLine], products: dict[str, DemoProduct]) -> Decimal:
    return sum(
        (
            _money(line.quantity * (line.price or Decimal(products[line.product].product.price or "0")))
            for line in lines
        ),
        Decimal("0"),
    )


def plan_documents(
    rng: random.Random,
    period: Period,
    partners: list[DemoPartner],
    products: list[DemoProduct],
    *,
    invoices: int = 300,
) -> list[PlannedDocument]:
    """``invoices`` invoices plus their credit notes, sorted by issue date (then plan order)."""
    by_group: dict[str, list[DemoProduct]] = {}
    for p in products:
        by_group.setdefault(p.group, []).append(p)
    catalogue = {p.key: p for p in products}
    standard = by_group["standard"]
    standard_goods = [p for p in standard if p.goods]
    segments: dict[str, list[DemoPartner]] = {}
    for partner in partners:
        segments.setdefault(partner.segment, []).append(partner)
    companies = segments["ro_company"]
    vat_payers = [p for p in companies if p.vat_payer] or companies
    days = period.working_days()
    names, weights = list(SCENARIOS), list(SCENARIOS.values())
    drafts: list[tuple[date, str, str, list[PlannedLine], str, dict[str, Any]]] = []
    for n in range(invoices):
        # Invoices spread evenly over the working days (a few more at month ends), in order.
        day = days[min(len(days) - 1, n * len(days) // invoices)]
        scenario = rng.choices(names, weights)[0] if n >= len(names) else names[n]
        currency, extra = "RON", {}
        standard_rate = rate_for("standard", day)
        if scenario == "domestic_21":
            buyer = rng.choice(companies)
            lines = _lines(rng, standard, rng.randint(1, 4))
        elif scenario == "domestic_mixed":
            buyer = rng.choice(companies)
            lines = _lines(rng, standard, rng.randint(1, 2)) + _lines(rng, by_group["reduced"], 1)
        elif scenario == "domestic_11":
            buyer = rng.choice(companies)
            lines = _lines(rng, by_group["reduced"], rng.randint(1, 3))
        elif scenario == "allowances_charges":
            buyer = rng.choice(companies)
            lines = _lines(rng, standard_goods, rng.randint(2, 4))
            base = _net(lines, catalogue)
            extra = {
                "allowances": [
                    {
                        "base_amount": f"{base:f}",
                        "percentage": "5",
                        "vat_category": "S",
                        "vat_rate": f"{standard_rate:f}",
                        "reason": "Discount de volum",
                        "reason_code": "95",
                    }
                ],
                "charges": [
                    {
                        "amount": "45.00",
                        "vat_category": "S",
                        "vat_rate": f"{standard_rate:f}",
                        "reason": "Transport",
                        "reason_code": "FC",
                    }
                ],
            }
        elif scenario == "exempt":
            buyer = rng.choice(companies + segments["individual"])
            lines = _lines(rng, by_group["exempt"], 1)
        elif scenario == "reverse_charge":
            buyer = rng.choice(vat_payers)
            lines = _lines(rng, by_group["reverse_charge"], rng.randint(1, 2))
        elif scenario == "intra_eu":
            buyer = rng.choice(segments["eu_company"])
            currency = "EUR"
            lines = _eur_lines(rng, standard_goods, rng.randint(1, 3), {"vat_category": "K", "vat_rate": "0"})
            # BR-IC-11/12: an intra-EU supply states when and where (member state) the goods went.
            where = buyer.partner.address
            assert where is not None
            extra = {
                "delivery": {
                    "actual_delivery_date": day.isoformat(),
                    "address": {
                        "street": where.street,
                        "city": where.city,
                        "postal_code": where.postal_code,
                        "country_subdivision": where.county,
                        "country_code": where.country_code,
                    },
                }
            }
        elif scenario == "export":
            buyer = rng.choice(segments["non_eu_company"])
            currency = "EUR"
            lines = _eur_lines(rng, standard_goods, rng.randint(1, 3), {"vat_category": "G", "vat_rate": "0"})
            extra = {"delivery": {"actual_delivery_date": day.isoformat()}}
        elif scenario == "domestic_eur":
            buyer = rng.choice(companies)
            currency = "EUR"
            lines = _eur_lines(rng, standard, rng.randint(1, 3))
        else:  # b2c
            buyer = rng.choice(segments["individual"])
            lines = _lines(rng, standard_goods + by_group["reduced"], rng.randint(1, 3))
        drafts.append((day, scenario, buyer.key, lines, currency, extra))
    documents: list[PlannedDocument] = []
    for day, scenario, buyer_key, lines, currency, extra in drafts:
        documents.append(
            PlannedDocument(
                len(documents), "invoice", day, scenario, buyer_key, tuple(lines), currency, extra=extra
            )
        )
    credits: list[PlannedDocument] = []
    for invoice in documents:
        if invoice.scenario not in CREDITABLE or rng.randrange(CREDIT_SHARE) != 0:
            continue
        later = [d for d in days if invoice.issue_date < d <= invoice.issue_date + timedelta(days=14)]
        if not later:
            continue
        line = rng.choice(invoice.lines)
        whole = (
            line.quantity if line.quantity <= 1 else max(Decimal(1), (line.quantity / 2).to_integral_value())
        )
        credit_line = PlannedLine(line.product, whole, price=line.price, item=dict(line.item))
        reason = rng.choice(("Retur marfa neconforma", "Discount acordat ulterior", "Serviciu nefacturabil"))
        credits.append(
            PlannedDocument(
                0,
                "credit_note",
                rng.choice(later),
                "credit_note",
                invoice.partner,
                (credit_line,),
                corrects=invoice.index,
                extra={"notes": [{"text": reason}]},
            )
        )
    ordered = sorted(documents + credits, key=lambda d: (d.issue_date, d.kind == "credit_note", d.index))
    # Re-index in issue order; credit notes follow their invoice's new position.
    new_index = {id(d): i for i, d in enumerate(ordered)}
    old_to_new = {d.index: new_index[id(d)] for d in documents}
    out = []
    for i, d in enumerate(ordered):
        corrects = old_to_new[d.corrects] if d.corrects is not None else None
        out.append(
            PlannedDocument(
                i, d.kind, d.issue_date, d.scenario, d.partner, d.lines, d.currency, corrects, d.extra
            )
        )
    return out

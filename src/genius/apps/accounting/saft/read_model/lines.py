"""A document's lines as D406 keeps them: item lines and document-level allowances/charges, amounts in
bani spread so they add up to what the ledger booked."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from genius.fiscal.ro.efactura.model import Invoice, InvoiceLine
from genius.kernel.money import round_money

NO_COMMODITY = "00000000"  # ProductCommodityCode of services and goods without an NC code
NC_LIST = "HS"  # UNTDID 7143 list the sales app writes the Combined Nomenclature code under


def bani(amount: Decimal) -> int:
    return int((round_money(amount) * 100).to_integral_value())


# -- documents --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemLine:
    ref: str | None
    description: str
    product_code: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net: Decimal
    category: str
    rate: Decimal | None
    commodity: str | None


def item_lines(invoice: Invoice) -> list[ItemLine]:
    out = []
    for line in invoice.lines:
        out.append(from_line(line))
    # Document-level allowances and charges (BG-20/21) change the VAT base without being lines;
    # D406 has no place for them but lines, so each becomes one (a discount is negative).
    for sign, items, label in (
        (-1, invoice.allowances, "Reducere"),
        (1, invoice.charges, "Taxă suplimentară"),
    ):
        for item in items:
            amount = item.amount
            if amount is None and item.base_amount is not None and item.percentage is not None:
                amount = round_money(item.base_amount * item.percentage / 100)
            if not amount:
                continue
            value = sign * amount
            out.append(
                ItemLine(
                    None,
                    (item.reason or label)[:256],
                    "",
                    Decimal(1),
                    "C62",
                    value,
                    value,
                    item.vat_category,
                    item.vat_rate,
                    None,
                )
            )
    return out


def from_line(line: InvoiceLine) -> ItemLine:
    item = line.item
    net = line.net_amount
    price = line.price.net_price
    if line.price.base_quantity:
        price = price / line.price.base_quantity
    if net is None:
        net = round_money(line.quantity * price)
    commodity = next(
        (
            c.code
            for c in item.classifications
            if (c.list_id or "").upper() == NC_LIST and len(c.code) == 8 and c.code.isdigit()
        ),
        None,
    )
    code = item.seller_id or (item.standard_id.value if item.standard_id else "")
    return ItemLine(
        line.id,
        item.name[:256],
        code[:35],
        line.quantity,
        line.unit_code,
        price,
        net,
        item.vat_category,
        item.vat_rate,
        commodity,
    )


def spread(total: int, weights: list[int]) -> list[int]:
    """``total`` bani split in proportion to ``weights``; the rounding rest on the largest weight."""
    if not weights:
        return []
    base = sum(weights)
    shares = [total * w // base for w in weights] if base else [0] * len(weights)
    biggest = max(range(len(weights)), key=lambda i: abs(weights[i]))
    shares[biggest] += total - sum(shares)
    return shares


def to_lei(amount: Decimal, rate: Decimal | None) -> int:
    return bani(amount * rate if rate is not None else amount)

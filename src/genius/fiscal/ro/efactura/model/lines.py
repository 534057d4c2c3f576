"""An invoice line (BG-25) with its price (BG-29) and item (BG-30, BG-31, BG-32)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from genius.fiscal.ro.efactura.model.document import LineAllowanceCharge, Period
from genius.fiscal.ro.efactura.model.parties import Identifier


@dataclass(kw_only=True)
class ItemClassification:
    """BT-158 item classification identifier with its list (BT-158-1, e.g. "STI", "CV" for CPV)."""

    code: str  # BT-158
    list_id: str | None = None  # BT-158-1 (UNTDID 7143)
    list_version_id: str | None = None  # BT-158-2


@dataclass(kw_only=True)
class ItemAttribute:
    """BG-32 item attribute."""

    name: str  # BT-160
    value: str  # BT-161


@dataclass(kw_only=True)
class Item:
    """BG-31 item information plus BG-30 line VAT information (UBL keeps both under Item)."""

    name: str  # BT-153
    description: str | None = None  # BT-154
    seller_id: str | None = None  # BT-155
    buyer_id: str | None = None  # BT-156
    standard_id: Identifier | None = None  # BT-157 (scheme BT-157-1 mandatory, BR-64)
    classifications: list[ItemClassification] = field(default_factory=list)  # BT-158
    origin_country: str | None = None  # BT-159 ISO 3166-1 alpha-2
    attributes: list[ItemAttribute] = field(default_factory=list)  # BG-32
    vat_category: str  # BT-151 (BG-30)
    vat_rate: Decimal | None = None  # BT-152 (BG-30; absent for category O)


@dataclass(kw_only=True)
class Price:
    """BG-29 price details."""

    net_price: Decimal  # BT-146 item net price (gross minus discount)
    discount: Decimal | None = None  # BT-147 item price discount
    gross_price: Decimal | None = None  # BT-148 item gross price
    base_quantity: Decimal | None = None  # BT-149 (price applies per this many units; 1 if None)
    base_quantity_unit: str | None = None  # BT-150 (UN/ECE Rec 20; should equal BT-130)


@dataclass(kw_only=True)
class InvoiceLine:
    """BG-25 invoice line (UBL InvoiceLine or CreditNoteLine)."""

    id: str  # BT-126
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128 (scheme BT-128-1)
    quantity: Decimal  # BT-129 invoiced (or credited) quantity
    unit_code: str  # BT-130 UN/ECE Recommendation 20 (+21), e.g. "H87" piece, "KGM", "HUR"
    net_amount: Decimal | None = None  # BT-131 (computed if None, checked if given)
    order_line_reference: str | None = None  # BT-132
    accounting_reference: str | None = None  # BT-133 buyer accounting reference
    period: Period | None = None  # BG-26
    allowances: list[LineAllowanceCharge] = field(default_factory=list)  # BG-27
    charges: list[LineAllowanceCharge] = field(default_factory=list)  # BG-28
    price: Price  # BG-29
    item: Item  # BG-31 (+ BG-30 VAT on the item)

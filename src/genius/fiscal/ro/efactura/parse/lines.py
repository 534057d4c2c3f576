"""UBL invoice and credit note lines -> model: BG-25 with its period, allowances and charges,
price (BG-29), item (BG-31) and line VAT (BG-30) (EN 16931-3-2 UBL syntax binding)."""

from __future__ import annotations

from decimal import Decimal

from genius.fiscal.ro.efactura.model import (
    InvoiceLine,
    Item,
    ItemAttribute,
    ItemClassification,
    LineAllowanceCharge,
    Period,
    Price,
)
from genius.fiscal.ro.efactura.parse.errors import InvalidField
from genius.fiscal.ro.efactura.parse.nodes import Node
from genius.fiscal.ro.efactura.parse.parties import identifier


def period(node: Node | None) -> Period | None:
    """BG-14 invoicing period or BG-26 line period (``cac:InvoicePeriod``)."""
    if node is None:
        return None
    found = Period(start_date=node.date("cbc:StartDate"), end_date=node.date("cbc:EndDate"))
    return None if found == Period() else found


def charge_indicator(node: Node, term: str) -> bool:
    """``cbc:ChargeIndicator``: true for a charge, false for an allowance (mandatory in UBL)."""
    found = node.required("cbc:ChargeIndicator", f"{term} charge indicator")
    flag = found.as_bool()
    if flag is None:
        raise InvalidField(found.path, f"{term} charge indicator is empty")
    return flag


def _line_allowance_charge(node: Node) -> tuple[bool, LineAllowanceCharge]:
    is_charge = charge_indicator(node, "line allowance/charge")
    return is_charge, LineAllowanceCharge(
        amount=node.decimal("cbc:Amount"),
        base_amount=node.decimal("cbc:BaseAmount"),
        percentage=node.decimal("cbc:MultiplierFactorNumeric"),
        reason=node.text("cbc:AllowanceChargeReason"),
        reason_code=node.text("cbc:AllowanceChargeReasonCode"),
    )


def _price(node: Node) -> Price:
    """BG-29: net price, and the gross price and discount from the price's allowance."""
    discount: Decimal | None = None
    gross: Decimal | None = None
    allowance = node.child("cac:AllowanceCharge")
    if allowance is not None:
        if charge_indicator(allowance, "price allowance"):
            # EN 16931 has only a price discount (BT-147); a price charge has no place in the model.
            raise InvalidField(
                f"{allowance.path}/cbc:ChargeIndicator",
                "a price can carry only an allowance (BT-147), not a charge",
            )
        # UBL requires the Amount of every AllowanceCharge; here it is BT-147 (zero when only the
        # gross price BT-148 is known).
        discount = allowance.required_decimal("cbc:Amount", "BT-147 item price discount")
        gross = allowance.decimal("cbc:BaseAmount")
    base = node.child("cbc:BaseQuantity")
    base_quantity = base.as_decimal() if base is not None else None
    return Price(
        net_price=node.required_decimal("cbc:PriceAmount", "BT-146 item net price"),
        discount=discount,
        gross_price=gross,
        base_quantity=base_quantity,
        # BT-150 qualifies BT-149: a unit without a quantity says nothing.
        base_quantity_unit=base.attribute("unitCode")
        if base is not None and base_quantity is not None
        else None,
    )


def _item(node: Node) -> Item:
    """BG-31 item information and the BG-30 line VAT information held under it."""
    vat = node.required("cac:ClassifiedTaxCategory", "BG-30 line VAT information")
    classifications = []
    for holder in node.children("cac:CommodityClassification"):
        code_node = holder.child("cbc:ItemClassificationCode")
        code = code_node.value() if code_node is not None else None
        if code_node is None or code is None:
            continue
        classifications.append(
            ItemClassification(
                code=code,
                list_id=code_node.attribute("listID"),
                list_version_id=code_node.attribute("listVersionID"),
            )
        )
    attributes = [
        ItemAttribute(
            name=prop.required_text("cbc:Name", "BT-160 item attribute name"),
            value=prop.required_text("cbc:Value", "BT-161 item attribute value"),
        )
        for prop in node.children("cac:AdditionalItemProperty")
    ]
    return Item(
        name=node.required_text("cbc:Name", "BT-153 item name"),
        description=node.text("cbc:Description"),
        seller_id=node.text("cac:SellersItemIdentification", "cbc:ID"),
        buyer_id=node.text("cac:BuyersItemIdentification", "cbc:ID"),
        standard_id=identifier(node.at("cac:StandardItemIdentification", "cbc:ID")),
        classifications=classifications,
        origin_country=node.text("cac:OriginCountry", "cbc:IdentificationCode"),
        attributes=attributes,
        vat_category=vat.required_text("cbc:ID", "BT-151 invoiced item VAT category code"),
        vat_rate=vat.decimal("cbc:Percent"),
    )


def _object_id(node: Node) -> Node | None:
    """BT-128: the line's ``cac:DocumentReference`` (EN 16931 binds it with DocumentTypeCode 130)."""
    return node.at("cac:DocumentReference", "cbc:ID")


def line(node: Node, *, credit_note: bool) -> InvoiceLine:
    """One ``cac:InvoiceLine`` or ``cac:CreditNoteLine`` (BG-25)."""
    quantity = node.required(
        "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity", "BT-129 invoiced quantity"
    )
    quantity_value = quantity.as_decimal()
    if quantity_value is None:
        raise InvalidField(quantity.path, "BT-129 invoiced quantity is empty")
    allowances: list[LineAllowanceCharge] = []
    charges: list[LineAllowanceCharge] = []
    for holder in node.children("cac:AllowanceCharge"):
        is_charge, found = _line_allowance_charge(holder)
        (charges if is_charge else allowances).append(found)
    return InvoiceLine(
        id=node.required_text("cbc:ID", "BT-126 invoice line identifier"),
        note=node.text("cbc:Note"),
        object_id=identifier(_object_id(node)),
        quantity=quantity_value,
        unit_code=quantity.required_attribute("unitCode", "BT-130 unit of measure code"),
        net_amount=node.decimal("cbc:LineExtensionAmount"),
        order_line_reference=node.text("cac:OrderLineReference", "cbc:LineID"),
        accounting_reference=node.text("cbc:AccountingCost"),
        period=period(node.child("cac:InvoicePeriod")),
        allowances=allowances,
        charges=charges,
        price=_price(node.required("cac:Price", "BG-29 price details")),
        item=_item(node.required("cac:Item", "BG-31 item information")),
    )


__all__ = ["charge_indicator", "line", "period"]

"""UBL invoice lines of the builder: InvoiceLine / CreditNoteLine with item and price (BG-25..BG-32)."""

from __future__ import annotations

from genius.fiscal.ro.efactura.model import Invoice, InvoiceLine
from genius.fiscal.ro.efactura.writer.elements import (
    INVOICED_OBJECT_TYPE_CODE,
    VAT_SCHEME,
    allowance_charge_el,
    document_reference_el,
    el,
    identifier_el,
    money,
    num,
    opt,
    period_el,
    tax_category_el,
)
from genius.fiscal.ro.efactura.writer.tree import UblElement


def line_el(root: UblElement, invoice: Invoice, line: InvoiceLine) -> None:
    currency = invoice.currency
    credit = invoice.is_credit_note
    element = el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    el(element, "cbc:ID", line.id)  # BT-126
    opt(element, "cbc:Note", line.note)  # BT-127
    el(
        element,
        "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
        num(line.quantity),
        unitCode=line.unit_code,
    )
    money(element, "cbc:LineExtensionAmount", line.net_amount, currency)  # BT-131
    opt(element, "cbc:AccountingCost", line.accounting_reference)  # BT-133
    period_el(element, line.period)  # BG-26
    if line.order_line_reference is not None:  # BT-132
        el(el(element, "cac:OrderLineReference"), "cbc:LineID", line.order_line_reference)
    if line.object_id is not None:  # BT-128
        document_reference_el(element, "cac:DocumentReference", line.object_id, INVOICED_OBJECT_TYPE_CODE)
    for allowance in line.allowances:  # BG-27
        allowance_charge_el(element, allowance, False, currency)
    for charge in line.charges:  # BG-28
        allowance_charge_el(element, charge, True, currency)
    item_el(element, line)
    price = el(element, "cac:Price")  # BG-29
    el(price, "cbc:PriceAmount", num(line.price.net_price), currencyID=currency)
    if line.price.base_quantity is not None:
        el(price, "cbc:BaseQuantity", num(line.price.base_quantity), unitCode=line.price.base_quantity_unit)
    gross, discount = line.price.gross_price, line.price.discount
    if gross is not None or discount is not None:
        # UBL needs the price discount's Amount; a gross price alone implies gross - net (BT-147).
        if discount is None and gross is not None:
            discount = gross - line.price.net_price
        price_discount = el(price, "cac:AllowanceCharge")
        el(price_discount, "cbc:ChargeIndicator", "false")
        money(price_discount, "cbc:Amount", discount, currency)  # BT-147
        money(price_discount, "cbc:BaseAmount", gross, currency)  # BT-148


def item_el(parent: UblElement, line: InvoiceLine) -> None:
    item = line.item
    element = el(parent, "cac:Item")  # BG-31
    opt(element, "cbc:Description", item.description)
    el(element, "cbc:Name", item.name)
    if item.buyer_id is not None:
        el(el(element, "cac:BuyersItemIdentification"), "cbc:ID", item.buyer_id)
    if item.seller_id is not None:
        el(el(element, "cac:SellersItemIdentification"), "cbc:ID", item.seller_id)
    if item.standard_id is not None:
        identifier_el(el(element, "cac:StandardItemIdentification"), "cbc:ID", item.standard_id)
    if item.origin_country is not None:
        el(el(element, "cac:OriginCountry"), "cbc:IdentificationCode", item.origin_country)
    for classification in item.classifications:
        el(
            el(element, "cac:CommodityClassification"),
            "cbc:ItemClassificationCode",
            classification.code,
            listID=classification.list_id,
            listVersionID=classification.list_version_id,
        )
    category = tax_category_el(
        element, "cac:ClassifiedTaxCategory", item.vat_category, item.vat_rate
    )  # BG-30
    el(el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)
    for attribute in item.attributes:  # BG-32
        prop = el(element, "cac:AdditionalItemProperty")
        el(prop, "cbc:Name", attribute.name)
        el(prop, "cbc:Value", attribute.value)

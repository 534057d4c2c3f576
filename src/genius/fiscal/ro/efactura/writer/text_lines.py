"""Fast path (:mod:`.text`) of the invoice lines and of allowances/charges (document and line level).

Branch for branch what :mod:`.lines` and ``elements.allowance_charge_el`` write into the tree;
the parts every line has are written as one string (a line is most of an invoice's elements).
"""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.efactura.model import DocumentAllowanceCharge, Invoice
from genius.fiscal.ro.efactura.writer.elements import INVOICED_OBJECT_TYPE_CODE
from genius.fiscal.ro.efactura.writer.text_parts import I1, I2, I3, I4, I5, ident, leaf, money, opt, period

_TAX_SCHEME_3 = f"{I4}<cac:TaxScheme>{I5}<cbc:ID>VAT</cbc:ID>{I4}</cac:TaxScheme>"


def allowance_charge(
    out: list[str], t: list[Any], indent: str, item: Any, is_charge: bool, currency: Any
) -> None:
    inner = indent + "  "
    out.append(
        f"{indent}<cac:AllowanceCharge>{inner}<cbc:ChargeIndicator>{'true' if is_charge else 'false'}"
        "</cbc:ChargeIndicator>"
    )
    opt(out, t, inner, "cbc:AllowanceChargeReasonCode", item.reason_code)
    opt(out, t, inner, "cbc:AllowanceChargeReason", item.reason)
    if item.percentage is not None:
        leaf(out, t, inner, "cbc:MultiplierFactorNumeric", format(item.percentage, "f"))
    money(out, t, inner, "cbc:Amount", item.amount, currency)
    money(out, t, inner, "cbc:BaseAmount", item.base_amount, currency)
    if isinstance(item, DocumentAllowanceCharge):
        deeper = inner + "  "
        leaf(out, t, deeper, "cbc:ID", item.vat_category, f"{inner}<cac:TaxCategory>")
        if item.vat_rate is not None:
            leaf(out, t, deeper, "cbc:Percent", format(item.vat_rate, "f"))
        out.append(
            f"{deeper}<cac:TaxScheme>{deeper}  <cbc:ID>VAT</cbc:ID>{deeper}</cac:TaxScheme>"
            f"{inner}</cac:TaxCategory>"
        )
    out.append(f"{indent}</cac:AllowanceCharge>")


def line(out: list[str], t: list[Any], invoice: Invoice, line: Any) -> None:
    currency = invoice.currency
    if invoice.is_credit_note:
        name, quantity_name = "cac:CreditNoteLine", "cbc:CreditedQuantity"
    else:
        name, quantity_name = "cac:InvoiceLine", "cbc:InvoicedQuantity"
    line_id = line.id
    t.append(line_id)
    out.append(f"{I1}<{name}>{I2}<cbc:ID>{line_id}</cbc:ID>")
    opt(out, t, I2, "cbc:Note", line.note)
    quantity, unit = format(line.quantity, "f"), line.unit_code
    t.append(quantity)
    if unit is None:
        out.append(f"{I2}<{quantity_name}>{quantity}</{quantity_name}>")
    else:
        t.append(unit)
        out.append(f'{I2}<{quantity_name} unitCode="{unit}">{quantity}</{quantity_name}>')
    money(out, t, I2, "cbc:LineExtensionAmount", line.net_amount, currency)
    opt(out, t, I2, "cbc:AccountingCost", line.accounting_reference)
    period(out, t, I2, line.period)
    if line.order_line_reference is not None:
        leaf(out, t, I3, "cbc:LineID", line.order_line_reference, f"{I2}<cac:OrderLineReference>")
        out.append(f"{I2}</cac:OrderLineReference>")
    object_id = line.object_id
    if object_id is not None:
        out.append(f"{I2}<cac:DocumentReference>")
        ident(out, t, I3, "cbc:ID", object_id.value, object_id.scheme)
        out.append(
            f"{I3}<cbc:DocumentTypeCode>{INVOICED_OBJECT_TYPE_CODE}</cbc:DocumentTypeCode>{I2}</cac:DocumentReference>"
        )
    for allowance in line.allowances:
        allowance_charge(out, t, I2, allowance, False, currency)
    for charge in line.charges:
        allowance_charge(out, t, I2, charge, True, currency)
    _item(out, t, line)
    price = line.price
    amount = format(price.net_price, "f")
    t.append(amount)
    t.append(currency)
    out.append(f'{I2}<cac:Price>{I3}<cbc:PriceAmount currencyID="{currency}">{amount}</cbc:PriceAmount>')
    if price.base_quantity is not None:
        base, base_unit = format(price.base_quantity, "f"), price.base_quantity_unit
        t.append(base)
        if base_unit is None:
            out.append(f"{I3}<cbc:BaseQuantity>{base}</cbc:BaseQuantity>")
        else:
            t.append(base_unit)
            out.append(f'{I3}<cbc:BaseQuantity unitCode="{base_unit}">{base}</cbc:BaseQuantity>')
    gross, discount = price.gross_price, price.discount
    if gross is not None or discount is not None:
        if discount is None and gross is not None:
            discount = gross - price.net_price
        out.append(f"{I3}<cac:AllowanceCharge>{I4}<cbc:ChargeIndicator>false</cbc:ChargeIndicator>")
        money(out, t, I4, "cbc:Amount", discount, currency)
        money(out, t, I4, "cbc:BaseAmount", gross, currency)
        out.append(f"{I3}</cac:AllowanceCharge>")
    out.append(f"{I2}</cac:Price>{I1}</{name}>")


def _item(out: list[str], t: list[Any], line: Any) -> None:
    item = line.item
    out.append(f"{I2}<cac:Item>")
    opt(out, t, I3, "cbc:Description", item.description)
    leaf(out, t, I3, "cbc:Name", item.name)
    if item.buyer_id is not None:
        leaf(out, t, I4, "cbc:ID", item.buyer_id, f"{I3}<cac:BuyersItemIdentification>")
        out.append(f"{I3}</cac:BuyersItemIdentification>")
    if item.seller_id is not None:
        leaf(out, t, I4, "cbc:ID", item.seller_id, f"{I3}<cac:SellersItemIdentification>")
        out.append(f"{I3}</cac:SellersItemIdentification>")
    standard = item.standard_id
    if standard is not None:
        out.append(f"{I3}<cac:StandardItemIdentification>")
        ident(out, t, I4, "cbc:ID", standard.value, standard.scheme)
        out.append(f"{I3}</cac:StandardItemIdentification>")
    if item.origin_country is not None:
        leaf(out, t, I4, "cbc:IdentificationCode", item.origin_country, f"{I3}<cac:OriginCountry>")
        out.append(f"{I3}</cac:OriginCountry>")
    for classification in item.classifications:
        code, attrs = classification.code, ""
        t.append(code)
        for key, value in (
            ("listID", classification.list_id),
            ("listVersionID", classification.list_version_id),
        ):
            if value is not None:
                t.append(value)
                attrs += f' {key}="{value}"'
        out.append(
            f"{I3}<cac:CommodityClassification>{I4}<cbc:ItemClassificationCode{attrs}>{code}"
            f"</cbc:ItemClassificationCode>{I3}</cac:CommodityClassification>"
        )
    category, rate = item.vat_category, item.vat_rate
    t.append(category)
    if rate is None:
        out.append(f"{I3}<cac:ClassifiedTaxCategory>{I4}<cbc:ID>{category}</cbc:ID>")
    else:
        percent = format(rate, "f")
        t.append(percent)
        out.append(
            f"{I3}<cac:ClassifiedTaxCategory>{I4}<cbc:ID>{category}</cbc:ID>{I4}<cbc:Percent>{percent}</cbc:Percent>"
        )
    out.append(f"{_TAX_SCHEME_3}{I3}</cac:ClassifiedTaxCategory>")
    for attribute in item.attributes:
        name, value = attribute.name, attribute.value
        t.append(name)
        t.append(value)
        out.append(
            f"{I3}<cac:AdditionalItemProperty>{I4}<cbc:Name>{name}</cbc:Name>{I4}<cbc:Value>{value}</cbc:Value>"
            f"{I3}</cac:AdditionalItemProperty>"
        )
    out.append(f"{I2}</cac:Item>")

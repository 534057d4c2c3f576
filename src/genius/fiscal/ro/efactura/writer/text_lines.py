"""Fast path (:mod:`.text`) of the invoice lines and of allowances/charges (document and line level).

Branch for branch what :mod:`.lines` and ``elements.allowance_charge_el`` write into the tree;
the parts every line has are written as one string (a line is most of an invoice's elements).
"""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.efactura.model import DocumentAllowanceCharge, Invoice
from genius.fiscal.ro.efactura.writer.elements import INVOICED_OBJECT_TYPE_CODE
from genius.fiscal.ro.efactura.writer.text_parts import (
    I2,
    I3,
    I4,
    I5,
    ident,
    leaf,
    money,
    num,
    opt,
    period,
)

_TAX_SCHEME_3 = (
    f"{I4}<cac:TaxScheme>{I5}<cbc:ID>VAT</cbc:ID>{I4}</cac:TaxScheme>{I3}</cac:ClassifiedTaxCategory>"
)


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
        leaf(out, t, inner, "cbc:MultiplierFactorNumeric", num(item.percentage))
    money(out, t, inner, "cbc:Amount", item.amount, currency)
    money(out, t, inner, "cbc:BaseAmount", item.base_amount, currency)
    if isinstance(item, DocumentAllowanceCharge):
        deeper = inner + "  "
        leaf(out, t, deeper, "cbc:ID", item.vat_category, f"{inner}<cac:TaxCategory>")
        if item.vat_rate is not None:
            leaf(out, t, deeper, "cbc:Percent", num(item.vat_rate))
        out.append(
            f"{deeper}<cac:TaxScheme>{deeper}  <cbc:ID>VAT</cbc:ID>{deeper}</cac:TaxScheme>"
            f"{inner}</cac:TaxCategory>"
        )
    out.append(f"{indent}</cac:AllowanceCharge>")


def lines(out: list[str], t: list[Any], invoice: Invoice) -> None:
    """Every InvoiceLine / CreditNoteLine."""
    currency = invoice.currency  # in ``t`` already (DocumentCurrencyCode)
    if invoice.is_credit_note:
        names = "cac:CreditNoteLine", "cbc:CreditedQuantity"
    else:
        names = "cac:InvoiceLine", "cbc:InvoicedQuantity"
    for item in invoice.lines:
        _line(out, t, currency, names, item)


def _line(out: list[str], t: list[Any], currency: Any, names: tuple[str, str], line: Any) -> None:
    """One line, mostly as one string (indents written out: level 1 and down)."""
    name, quantity_name = names
    line_id, note = line.id, line.note
    t.append(line_id)
    s = f"\n  <{name}>\n    <cbc:ID>{line_id}</cbc:ID>"
    if note is not None:
        t.append(note)
        s += f"\n    <cbc:Note>{note}</cbc:Note>"
    quantity, unit = num(line.quantity), line.unit_code
    t.append(quantity)
    if unit is None:
        s += f"\n    <{quantity_name}>{quantity}</{quantity_name}>"
    else:
        t.append(unit)
        s += f'\n    <{quantity_name} unitCode="{unit}">{quantity}</{quantity_name}>'
    if line.net_amount is not None:
        amount = num(line.net_amount)
        t.append(amount)
        s += f'\n    <cbc:LineExtensionAmount currencyID="{currency}">{amount}</cbc:LineExtensionAmount>'
    if line.accounting_reference is not None:
        t.append(line.accounting_reference)
        s += f"\n    <cbc:AccountingCost>{line.accounting_reference}</cbc:AccountingCost>"
    out.append(s)
    if line.period is not None:
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
    s = _item(t, line.item)
    price = line.price
    amount = num(price.net_price)
    t.append(amount)
    s += f'\n    <cac:Price>\n      <cbc:PriceAmount currencyID="{currency}">{amount}</cbc:PriceAmount>'
    if price.base_quantity is not None:
        base, base_unit = num(price.base_quantity), price.base_quantity_unit
        t.append(base)
        if base_unit is None:
            s += f"\n      <cbc:BaseQuantity>{base}</cbc:BaseQuantity>"
        else:
            t.append(base_unit)
            s += f'\n      <cbc:BaseQuantity unitCode="{base_unit}">{base}</cbc:BaseQuantity>'
    out.append(s)
    gross, discount = price.gross_price, price.discount
    if gross is not None or discount is not None:
        if discount is None and gross is not None:
            discount = gross - price.net_price
        out.append(f"{I3}<cac:AllowanceCharge>{I4}<cbc:ChargeIndicator>false</cbc:ChargeIndicator>")
        money(out, t, I4, "cbc:Amount", discount, currency)
        money(out, t, I4, "cbc:BaseAmount", gross, currency)
        out.append(f"{I3}</cac:AllowanceCharge>")
    out.append(f"\n    </cac:Price>\n  </{name}>")


def _item(t: list[Any], item: Any) -> str:
    """The line's Item (level 2), as one string."""
    description, name = item.description, item.name
    if description is None:
        t.append(name)
        s = f"\n    <cac:Item>\n      <cbc:Name>{name}</cbc:Name>"
    else:
        t.append(description)
        t.append(name)
        s = (
            f"\n    <cac:Item>\n      <cbc:Description>{description}</cbc:Description>"
            f"\n      <cbc:Name>{name}</cbc:Name>"
        )
    if item.buyer_id is not None:
        t.append(item.buyer_id)
        s += (
            f"\n      <cac:BuyersItemIdentification>\n        <cbc:ID>{item.buyer_id}</cbc:ID>"
            "\n      </cac:BuyersItemIdentification>"
        )
    if item.seller_id is not None:
        t.append(item.seller_id)
        s += (
            f"\n      <cac:SellersItemIdentification>\n        <cbc:ID>{item.seller_id}</cbc:ID>"
            "\n      </cac:SellersItemIdentification>"
        )
    standard = item.standard_id
    if standard is not None:
        part: list[str] = []
        ident(part, t, I4, "cbc:ID", standard.value, standard.scheme)
        s += f"\n      <cac:StandardItemIdentification>{part[0]}\n      </cac:StandardItemIdentification>"
    if item.origin_country is not None:
        t.append(item.origin_country)
        s += (
            f"\n      <cac:OriginCountry>\n        <cbc:IdentificationCode>{item.origin_country}"
            "</cbc:IdentificationCode>\n      </cac:OriginCountry>"
        )
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
        s += (
            f"\n      <cac:CommodityClassification>\n        <cbc:ItemClassificationCode{attrs}>{code}"
            "</cbc:ItemClassificationCode>\n      </cac:CommodityClassification>"
        )
    category, rate = item.vat_category, item.vat_rate
    t.append(category)
    if rate is None:
        s += f"\n      <cac:ClassifiedTaxCategory>\n        <cbc:ID>{category}</cbc:ID>"
    else:
        percent = num(rate)
        t.append(percent)
        s += (
            f"\n      <cac:ClassifiedTaxCategory>\n        <cbc:ID>{category}</cbc:ID>"
            f"\n        <cbc:Percent>{percent}</cbc:Percent>"
        )
    s += _TAX_SCHEME_3
    for attribute in item.attributes:
        name, value = attribute.name, attribute.value
        t.append(name)
        t.append(value)
        s += (
            f"\n      <cac:AdditionalItemProperty>\n        <cbc:Name>{name}</cbc:Name>"
            f"\n        <cbc:Value>{value}</cbc:Value>\n      </cac:AdditionalItemProperty>"
        )
    return s + "\n    </cac:Item>"

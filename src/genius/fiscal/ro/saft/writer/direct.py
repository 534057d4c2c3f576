"""Markup of the structures every hot record carries (AmountStructure, TaxInformation), formatted directly.

The journal, invoice and payment lines are a million records a month; building a ``Fragment``
for each (a method call per element, a shape key, a format) was most of the writer's CPU. Their
common form is formatted here straight into strings. Every function returns ``None`` for anything
outside that common form (a missing or too long text, a text to escape, an optional element the
fast path does not write, a value that fails a check): the caller then takes the fragment path,
which writes the same bytes or raises the error that names the field. Equality of both paths is
tested on generated records (tests/fiscal/ro/saft/test_direct.py).
"""

from __future__ import annotations

from datetime import date

from genius.fiscal.ro.saft.errors import SaftInputError
from genius.fiscal.ro.saft.model.common import NO_TAX, RON, Address, Amount, Side, TaxInformation
from genius.fiscal.ro.saft.model.documents import Invoice, InvoiceLine, Payment, PaymentLine
from genius.fiscal.ro.saft.writer.fragment import (
    CODE,
    LONG,
    MIDDLE1,
    MIDDLE2,
    SHORT,
    exchange_rate,
    fixed,
    money,
    quantity,
    rounded_money,
)
from genius.fiscal.ro.saft.writer.markup import plain

# The codes the XSD allows (structures.address and documents check them too).
ADDRESS_TYPES = frozenset(
    {"StreetAddress", "PostalAddress", "BillingAddress", "ShipToAddress", "ShipFromAddress"}
)
SELF_BILLING = frozenset({"0", "389"})
SIDES = {Side.DEBIT: "D", Side.CREDIT: "C"}
_NO_TAX_MARKUP = (
    "<TaxInformation><TaxType>000</TaxType><TaxCode>000000</TaxCode><TaxAmount><Amount>0.00</Amount>"
    "<CurrencyCode>RON</CurrencyCode><CurrencyAmount>0.00</CurrencyAmount></TaxAmount></TaxInformation>"
)


def amount_markup(tag: str, value: Amount) -> str | None:
    """``<tag>`` as an AmountStructure: Amount, CurrencyCode, CurrencyAmount, optional ExchangeRate."""
    try:
        text = money(value.amount, tag)
        currency = value.currency
        if currency == RON and value.currency_amount is None and value.exchange_rate is None:
            return (
                f"<{tag}><Amount>{text}</Amount><CurrencyCode>RON</CurrencyCode>"
                f"<CurrencyAmount>{text}</CurrencyAmount></{tag}>"
            )
        if currency.__class__ is not str or len(currency) != 3 or not plain(currency):
            return None
        other = text if value.currency_amount is None else money(value.currency_amount, tag)
        rate = value.exchange_rate
        return (
            f"<{tag}><Amount>{text}</Amount><CurrencyCode>{currency}</CurrencyCode>"
            f"<CurrencyAmount>{other}</CurrencyAmount>"
            + ("" if rate is None else f"<ExchangeRate>{exchange_rate(rate, tag)}</ExchangeRate>")
            + f"</{tag}>"
        )
    except SaftInputError:
        return None


def tax_markup(tax: TaxInformation) -> str | None:
    """One ``TaxInformation`` (type, code, optional percentage and base, the tax amount)."""
    if tax is NO_TAX:
        return _NO_TAX_MARKUP
    if (
        tax.base_description is not None
        or tax.exemption_reason is not None
        or tax.declaration_period is not None
    ):
        return None
    tax_type, tax_code = tax.tax_type, tax.tax_code
    if (
        tax_type.__class__ is not str
        or tax_code.__class__ is not str
        or len(tax_type) > CODE
        or len(tax_code) > CODE
        or not plain(tax_type + tax_code)
    ):
        return None
    amount = amount_markup("TaxAmount", tax.amount)
    if amount is None:
        return None
    percentage, base = tax.percentage, tax.base
    try:
        return (
            f"<TaxInformation><TaxType>{tax_type}</TaxType><TaxCode>{tax_code}</TaxCode>"
            + ("" if percentage is None else f"<TaxPercentage>{fixed(percentage, '')}</TaxPercentage>")
            + ("" if base is None else f"<TaxBase>{fixed(base, '')}</TaxBase>")
            + amount
            + "</TaxInformation>"
        )
    except SaftInputError:
        return None


def taxes_markup(taxes: tuple[TaxInformation, ...]) -> str | None:
    """A line's TaxInformation elements (at least one), or None."""
    if taxes.__class__ is not tuple or not taxes:
        return None
    if len(taxes) == 1:
        return tax_markup(taxes[0])
    parts = []
    for tax in taxes:
        markup = tax_markup(tax)
        if markup is None:
            return None
        parts.append(markup)
    return "".join(parts)


def _optional(parts: list[str], tag: str, value: str | None, limit: int) -> bool:
    """Appends ``<tag>value</tag>`` when ``value`` is given; False when it is not a short plain text."""
    if value is None:
        return True
    if value.__class__ is not str or len(value) > limit or not plain(value):
        return False
    parts.append(f"<{tag}>{value}</{tag}>")
    return True


def _required(parts: list[str], tag: str, value: str, limit: int) -> bool:
    if value.__class__ is not str or len(value) > limit or not plain(value):
        return False
    parts.append(f"<{tag}>{value}</{tag}>")
    return True


def address_markup(tag: str, value: Address) -> str | None:
    parts = [f"<{tag}>"]
    kind = value.address_type
    if not (
        _optional(parts, "StreetName", value.street_name, MIDDLE2)
        and _optional(parts, "Number", value.number, SHORT)
        and _optional(parts, "AdditionalAddressDetail", value.additional_detail, MIDDLE2)
        and _optional(parts, "Building", value.building, MIDDLE1)
        and _required(parts, "City", value.city, MIDDLE1)
        and _optional(parts, "PostalCode", value.postal_code, SHORT)
        and _optional(parts, "Region", value.region, MIDDLE1)
        and _required(parts, "Country", value.country, 2)
        and (kind is None or kind in ADDRESS_TYPES)
    ):
        return None
    if kind is not None:
        parts.append(f"<AddressType>{kind}</AddressType>")
    parts.append(f"</{tag}>")
    return "".join(parts)


def _integer(parts: list[str], tag: str, value: int | None) -> bool:
    if value is None:
        return True
    if value.__class__ is not int or value < 0:
        return False
    parts.append(f"<{tag}>{value}</{tag}>")
    return True


def invoice_head_markup(item: Invoice, partner_tag: str) -> str | None:
    """``<Invoice>`` and the head of the common invoice (no ShipTo/ShipFrom), or None."""
    day, posted = item.invoice_date, item.gl_posting_date
    if (
        item.ship_to is not None
        or item.ship_from is not None
        or not isinstance(day, date)
        or not (posted is None or isinstance(posted, date))
        or item.self_billing_indicator not in SELF_BILLING
    ):
        return None
    address = address_markup("BillingAddress", item.billing_address)
    if address is None:
        return None
    parts = ["<Invoice>"]
    if not (
        _required(parts, "InvoiceNo", item.invoice_no, MIDDLE2)
        and _required(parts, f"{partner_tag}ID", item.partner_id, MIDDLE1)
    ):
        return None
    parts[-1] = f"<{partner_tag}Info>{parts[-1]}{address}</{partner_tag}Info>"
    if not (
        _required(parts, "AccountID", item.account_id, MIDDLE2)
        and _optional(parts, "BranchStoreNumber", item.branch_store_number, MIDDLE1)
        and _integer(parts, "Period", item.period)
        and _integer(parts, "PeriodYear", item.period_year)
    ):
        return None
    parts.append(f"<InvoiceDate>{day.isoformat()}</InvoiceDate>")
    if not (
        _required(parts, "InvoiceType", item.invoice_type, CODE)
        and _optional(parts, "PaymentTerms", item.payment_terms, MIDDLE2)
    ):
        return None
    parts.append(f"<SelfBillingIndicator>{item.self_billing_indicator}</SelfBillingIndicator>")
    if not _optional(parts, "SourceID", item.source_id, MIDDLE1):
        return None
    if posted is not None:
        parts.append(f"<GLPostingDate>{posted.isoformat()}</GLPostingDate>")
    if not (
        _optional(parts, "BatchID", item.batch_id, MIDDLE1)
        and _optional(parts, "SystemID", item.system_id, MIDDLE1)
        and _optional(parts, "TransactionID", item.transaction_id, MIDDLE2)
        and _optional(parts, "ReceiptNumbers", item.receipt_numbers, LONG)
    ):
        return None
    return "".join(parts)


def invoice_line_markup(line: InvoiceLine) -> str | None:
    """The common ``InvoiceLine`` (no analysis, order references, shipping points, delivery or
    shipping costs), or None. The caller counts it on its side."""
    if (
        line.analysis
        or line.order_references
        or line.ship_to is not None
        or line.ship_from is not None
        or line.delivery is not None
        or line.shipping_costs is not None
        or not isinstance(line.tax_point_date, date)
    ):
        return None
    side = SIDES.get(line.side)
    amount = amount_markup("InvoiceLineAmount", line.amount)
    taxes = taxes_markup(line.tax)
    if side is None or amount is None or taxes is None:
        return None
    parts = ["<InvoiceLine>"]
    if not (
        _optional(parts, "LineNumber", line.line_number, SHORT)
        and _required(parts, "AccountID", line.account_id, MIDDLE2)
        and _optional(parts, "GoodsServicesID", line.goods_services_id, CODE)
        and _optional(parts, "ProductCode", line.product_code, MIDDLE2)
        and _optional(parts, "ProductDescription", line.product_description, LONG)
    ):
        return None
    factor = line.uom_conversion_factor
    try:
        parts.append(f"<Quantity>{quantity(line.quantity, '')}</Quantity>")
        if not _optional(parts, "InvoiceUOM", line.uom, CODE):
            return None
        if factor is not None:
            parts.append(f"<UOMToUOMBaseConversionFactor>{fixed(factor, '')}</UOMToUOMBaseConversionFactor>")
        parts.append(f"<UnitPrice>{rounded_money(line.unit_price, '')}</UnitPrice>")
    except SaftInputError:
        return None
    parts.append(f"<TaxPointDate>{line.tax_point_date.isoformat()}</TaxPointDate>")
    reference, reason = line.credit_note_reference, line.credit_note_reason
    if reference is not None or reason is not None:
        parts.append("<References><CreditNote>")
        if not (
            _optional(parts, "Reference", reference, MIDDLE1) and _optional(parts, "Reason", reason, LONG)
        ):
            return None
        parts.append("</CreditNote></References>")
    if not _required(parts, "Description", line.description, LONG):
        return None
    parts.append(f"{amount}<DebitCreditIndicator>{side}</DebitCreditIndicator>{taxes}</InvoiceLine>")
    return "".join(parts)


def payment_head_markup(item: Payment) -> str | None:
    """``<Payment>`` and the head of a payment, or None."""
    day = item.transaction_date
    if not isinstance(day, date):
        return None
    parts = ["<Payment>"]
    if not (
        _required(parts, "PaymentRefNo", item.payment_ref_no, MIDDLE1)
        and _integer(parts, "Period", item.period)
        and _integer(parts, "PeriodYear", item.period_year)
        and _optional(parts, "TransactionID", item.transaction_id, MIDDLE2)
    ):
        return None
    parts.append(f"<TransactionDate>{day.isoformat()}</TransactionDate>")
    if not (
        _required(parts, "PaymentMethod", item.payment_method, SHORT)
        and _required(parts, "Description", item.description, LONG)
        and _optional(parts, "BatchID", item.batch_id, MIDDLE1)
        and _optional(parts, "SystemID", item.system_id, MIDDLE1)
        and _optional(parts, "SourceID", item.source_id, MIDDLE1)
    ):
        return None
    return "".join(parts)


def payment_line_markup(line: PaymentLine) -> str | None:
    """The common ``PaymentLine`` (no analysis), or None. The caller counts it on its side."""
    point = line.tax_point_date
    if line.analysis or not (point is None or isinstance(point, date)):
        return None
    side = SIDES.get(line.side)
    amount = amount_markup("PaymentLineAmount", line.amount)
    taxes = taxes_markup(line.tax)
    if side is None or amount is None or taxes is None:
        return None
    parts = ["<PaymentLine>"]
    if not (
        _optional(parts, "LineNumber", line.line_number, SHORT)
        and _optional(parts, "SourceDocumentID", line.source_document_id, MIDDLE1)
        and _required(parts, "AccountID", line.account_id, MIDDLE2)
        and _required(parts, "CustomerID", line.customer_id, MIDDLE1)
        and _required(parts, "SupplierID", line.supplier_id, MIDDLE1)
    ):
        return None
    if point is not None:
        parts.append(f"<TaxPointDate>{point.isoformat()}</TaxPointDate>")
    if not _optional(parts, "Description", line.description, LONG):
        return None
    parts.append(f"<DebitCreditIndicator>{side}</DebitCreditIndicator>{amount}{taxes}</PaymentLine>")
    return "".join(parts)

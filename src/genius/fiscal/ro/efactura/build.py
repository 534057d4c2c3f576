"""The UBL 2.1 writer: an :class:`Invoice` model to CIUS-RO Invoice or CreditNote XML bytes.

Element order follows the OASIS UBL 2.1 XSD sequences (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd,
UBL-CommonAggregateComponents-2.1.xsd); the EN 16931 -> UBL mapping is CEN's syntax binding
(EN 16931-3-2). Romanian differences from generic EN 16931 UBL are few and each says so:

- BT-24 is always CIUS-RO's identifier (BR-RO-001), whatever the model read from elsewhere;
- BT-6 TaxCurrencyCode and a second TaxTotal with BT-111 in RON when BT-5 is not RON (BR-RO-030);
- addresses, lengths and identifiers are checked on the model first (:mod:`.ciusro`), so the
  writer never has to rewrite a value (SECTOR1..6 for RO-B, ISO 3166-2:RO county codes, ...).

``build_xml(invoice)`` computes and checks before writing; ``build_xml(invoice, check=False)``
writes exactly what the model holds (for test corpora of deliberately broken invoices).
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from lxml import etree

from genius.fiscal.ro.efactura.ciusro import check_rules
from genius.fiscal.ro.efactura.compute import compute
from genius.fiscal.ro.efactura.model import (
    CIUS_RO_CUSTOMIZATION_ID,
    Address,
    Attachment,
    CreditTransfer,
    DocumentAllowanceCharge,
    Identifier,
    Invoice,
    InvoiceLine,
    LineAllowanceCharge,
    Party,
    PaymentInstructions,
    Period,
)

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_PREFIXES = {"cac": NS_CAC, "cbc": NS_CBC}

VAT_SCHEME = "VAT"
# BT-32 (seller tax registration, not a VAT id) sits in a PartyTaxScheme whose scheme is not VAT;
# CEN's own examples and test files use "TAX".
TAX_REGISTRATION_SCHEME = "TAX"
# UBL DocumentTypeCode values the EN 16931 binding gives special meaning to.
INVOICED_OBJECT_TYPE_CODE = "130"  # BT-18 / BT-128
PROJECT_REFERENCE_TYPE_CODE = "50"  # BT-11 on a CreditNote (which has no ProjectReference)
# UBL requires OrderReference/ID; EN 16931 binding says "NA" when only BT-14 is known.
ORDER_REFERENCE_NOT_AVAILABLE = "NA"
# UBL requires CardAccount/NetworkID, which EN 16931 does not carry; "NA" when not given.
CARD_NETWORK_NOT_AVAILABLE = "NA"


def _qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_PREFIXES[prefix]}}}{local}"


def _el(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | None) -> etree._Element:
    """Append ``tag`` (``cac:X`` / ``cbc:X``) under ``parent`` with optional text and attributes."""
    element = etree.SubElement(parent, _qname(tag))
    if text is not None:
        element.text = text
    for key, value in attrs.items():
        if value is not None:
            element.set(key, value)
    return element


def _opt(parent: etree._Element, tag: str, text: str | None, /, **attrs: str | None) -> None:
    """Append a basic element only when its value is given."""
    if text is not None:
        _el(parent, tag, text, **attrs)


def _num(value: Decimal) -> str:
    return format(value, "f")


def _amount(parent: etree._Element, name: str, value: Decimal | None, currency: str) -> None:
    if value is not None:
        _el(parent, name, _num(value), currencyID=currency)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _identifier(parent: etree._Element, name: str, ident: Identifier | None) -> None:
    if ident is not None:
        _el(parent, name, ident.value, schemeID=ident.scheme)


def _period(parent: etree._Element, period: Period | None, description_code: str | None = None) -> None:
    if period is None and description_code is None:
        return
    element = _el(parent, "cac:InvoicePeriod")
    if period is not None:
        _opt(element, "cbc:StartDate", _date(period.start_date))
        _opt(element, "cbc:EndDate", _date(period.end_date))
    _opt(element, "cbc:DescriptionCode", description_code)  # BT-8 lives in InvoicePeriod


def _address(parent: etree._Element, name: str, address: Address) -> None:
    element = _el(parent, name)
    _opt(element, "cbc:StreetName", address.street)
    _opt(element, "cbc:AdditionalStreetName", address.additional_street)
    _opt(element, "cbc:CityName", address.city)
    _opt(element, "cbc:PostalZone", address.postal_code)
    _opt(element, "cbc:CountrySubentity", address.country_subdivision)
    if address.address_line_3 is not None:
        _el(_el(element, "cac:AddressLine"), "cbc:Line", address.address_line_3)
    _el(_el(element, "cac:Country"), "cbc:IdentificationCode", address.country_code)


def _tax_scheme(parent: etree._Element, company_id: str, scheme: str) -> None:
    element = _el(parent, "cac:PartyTaxScheme")
    _el(element, "cbc:CompanyID", company_id)
    _el(_el(element, "cac:TaxScheme"), "cbc:ID", scheme)


def _party(parent: etree._Element, name: str, party: Party, creditor_reference: str | None) -> None:
    element = _el(_el(parent, name), "cac:Party")
    _identifier(element, "cbc:EndpointID", party.electronic_address)  # BT-34 / BT-49
    for ident in party.identifiers:  # BT-29 / BT-46
        _identifier(_el(element, "cac:PartyIdentification"), "cbc:ID", ident)
    if creditor_reference is not None:  # BT-90 rides in the seller's identification, scheme SEPA
        _el(_el(element, "cac:PartyIdentification"), "cbc:ID", creditor_reference, schemeID="SEPA")
    if party.trading_name is not None:
        _el(_el(element, "cac:PartyName"), "cbc:Name", party.trading_name)  # BT-28 / BT-45
    _address(element, "cac:PostalAddress", party.address)
    if party.vat_id is not None:
        _tax_scheme(element, party.vat_id, VAT_SCHEME)  # BT-31 / BT-48
    if party.tax_registration_id is not None:
        _tax_scheme(element, party.tax_registration_id, TAX_REGISTRATION_SCHEME)  # BT-32
    legal = _el(element, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party.name)  # BT-27 / BT-44
    _identifier(legal, "cbc:CompanyID", party.legal_registration_id)  # BT-30 / BT-47
    _opt(legal, "cbc:CompanyLegalForm", party.additional_legal_info)  # BT-33
    if party.contact is not None:
        contact = _el(element, "cac:Contact")
        _opt(contact, "cbc:Name", party.contact.name)
        _opt(contact, "cbc:Telephone", party.contact.telephone)
        _opt(contact, "cbc:ElectronicMail", party.contact.email)


def _document_reference(
    parent: etree._Element, name: str, ident: Identifier, type_code: str | None = None
) -> etree._Element:
    element = _el(parent, name)
    _identifier(element, "cbc:ID", ident)
    _opt(element, "cbc:DocumentTypeCode", type_code)
    return element


def _attachment(parent: etree._Element, attachment: Attachment) -> None:
    element = _el(parent, "cac:AdditionalDocumentReference")
    _el(element, "cbc:ID", attachment.reference)  # BT-122
    _opt(element, "cbc:DocumentDescription", attachment.description)  # BT-123
    if attachment.content is None and attachment.external_uri is None:
        return
    holder = _el(element, "cac:Attachment")
    if attachment.content is not None:  # BT-125 with BT-125-1 mime code and BT-125-2 file name
        _el(
            holder,
            "cbc:EmbeddedDocumentBinaryObject",
            base64.b64encode(attachment.content).decode("ascii"),
            mimeCode=attachment.mime_code,
            filename=attachment.filename,
        )
    if attachment.external_uri is not None:
        _el(_el(holder, "cac:ExternalReference"), "cbc:URI", attachment.external_uri)  # BT-124


def _references(root: etree._Element, invoice: Invoice) -> None:
    """InvoicePeriod .. ProjectReference, in each document's own XSD order."""
    _period(root, invoice.invoicing_period, invoice.tax_point_date_code)
    if invoice.purchase_order_reference is not None or invoice.sales_order_reference is not None:
        order = _el(root, "cac:OrderReference")
        _el(order, "cbc:ID", invoice.purchase_order_reference or ORDER_REFERENCE_NOT_AVAILABLE)  # BT-13
        _opt(order, "cbc:SalesOrderID", invoice.sales_order_reference)  # BT-14
    for preceding in invoice.preceding_invoices:  # BG-3
        ref = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(ref, "cbc:ID", preceding.number)
        _opt(ref, "cbc:IssueDate", _date(preceding.issue_date))
    if invoice.despatch_advice_reference is not None:  # BT-16
        _el(_el(root, "cac:DespatchDocumentReference"), "cbc:ID", invoice.despatch_advice_reference)
    if invoice.receiving_advice_reference is not None:  # BT-15
        _el(_el(root, "cac:ReceiptDocumentReference"), "cbc:ID", invoice.receiving_advice_reference)

    def originator() -> None:  # BT-17
        if invoice.tender_or_lot_reference is not None:
            _el(_el(root, "cac:OriginatorDocumentReference"), "cbc:ID", invoice.tender_or_lot_reference)

    def additional() -> None:  # BT-18, BT-11 (credit note only), BG-24
        if invoice.invoiced_object_id is not None:
            _document_reference(
                root, "cac:AdditionalDocumentReference", invoice.invoiced_object_id, INVOICED_OBJECT_TYPE_CODE
            )
        if invoice.is_credit_note and invoice.project_reference is not None:
            _document_reference(
                root,
                "cac:AdditionalDocumentReference",
                Identifier(value=invoice.project_reference),
                PROJECT_REFERENCE_TYPE_CODE,
            )
        for attachment in invoice.attachments:
            _attachment(root, attachment)

    # The two documents order these differently (CreditNote: Contract, Additional, Originator).
    if invoice.is_credit_note:
        if invoice.contract_reference is not None:  # BT-12
            _el(_el(root, "cac:ContractDocumentReference"), "cbc:ID", invoice.contract_reference)
        additional()
        originator()
    else:
        originator()
        if invoice.contract_reference is not None:  # BT-12
            _el(_el(root, "cac:ContractDocumentReference"), "cbc:ID", invoice.contract_reference)
        additional()
        if invoice.project_reference is not None:  # BT-11
            _el(_el(root, "cac:ProjectReference"), "cbc:ID", invoice.project_reference)


def _parties(root: etree._Element, invoice: Invoice) -> None:
    creditor = next(
        (
            p.direct_debit.creditor_reference
            for p in invoice.payment_instructions
            if p.direct_debit is not None and p.direct_debit.creditor_reference is not None
        ),
        None,
    )
    # BT-90 goes with the payee when there is one, otherwise with the seller (EN 16931-3-2).
    _party(root, "cac:AccountingSupplierParty", invoice.seller, creditor if invoice.payee is None else None)
    _party(root, "cac:AccountingCustomerParty", invoice.buyer, None)
    if invoice.payee is not None:
        payee = _el(root, "cac:PayeeParty")
        if invoice.payee.identifier is not None:
            _identifier(_el(payee, "cac:PartyIdentification"), "cbc:ID", invoice.payee.identifier)  # BT-60
        if creditor is not None:
            _el(_el(payee, "cac:PartyIdentification"), "cbc:ID", creditor, schemeID="SEPA")
        _el(_el(payee, "cac:PartyName"), "cbc:Name", invoice.payee.name)  # BT-59
        if invoice.payee.legal_registration_id is not None:  # BT-61
            _identifier(
                _el(payee, "cac:PartyLegalEntity"), "cbc:CompanyID", invoice.payee.legal_registration_id
            )
    if invoice.tax_representative is not None:  # BG-11
        representative = _el(root, "cac:TaxRepresentativeParty")
        _el(_el(representative, "cac:PartyName"), "cbc:Name", invoice.tax_representative.name)
        _address(representative, "cac:PostalAddress", invoice.tax_representative.address)
        _tax_scheme(representative, invoice.tax_representative.vat_id, VAT_SCHEME)
    if invoice.delivery is not None:  # BG-13
        delivery = _el(root, "cac:Delivery")
        _opt(delivery, "cbc:ActualDeliveryDate", _date(invoice.delivery.actual_delivery_date))
        if invoice.delivery.location_id is not None or invoice.delivery.address is not None:
            location = _el(delivery, "cac:DeliveryLocation")
            _identifier(location, "cbc:ID", invoice.delivery.location_id)
            if invoice.delivery.address is not None:
                _address(location, "cac:Address", invoice.delivery.address)
        if invoice.delivery.party_name is not None:
            _el(
                _el(_el(delivery, "cac:DeliveryParty"), "cac:PartyName"),
                "cbc:Name",
                invoice.delivery.party_name,
            )


def _payment_means(root: etree._Element, invoice: Invoice) -> None:
    """BG-16: one UBL PaymentMeans per credit transfer account (UBL holds one account per block).

    UBL-SR-45/46 allow the due date and the payment means text only once in the whole document,
    so they ride on the first block only.
    """
    first = True
    for means in invoice.payment_instructions:
        accounts: list[CreditTransfer | None] = list(means.credit_transfers) or [None]
        for account in accounts:
            element = _el(root, "cac:PaymentMeans")
            text = means.means_text if first else None
            _el(element, "cbc:PaymentMeansCode", means.means_code, name=text)
            if first and invoice.is_credit_note:
                # UBL CreditNote has no DueDate: BT-9 goes in PaymentMeans/PaymentDueDate.
                _opt(element, "cbc:PaymentDueDate", _date(invoice.due_date))
            _opt(element, "cbc:PaymentID", means.remittance_information)
            _card_and_accounts(element, means, account)
            first = False


def _card_and_accounts(
    element: etree._Element, means: PaymentInstructions, account: CreditTransfer | None
) -> None:
    if means.card is not None:  # BG-18
        card = _el(element, "cac:CardAccount")
        _el(card, "cbc:PrimaryAccountNumberID", means.card.primary_account_number)
        _el(card, "cbc:NetworkID", means.card.network_id or CARD_NETWORK_NOT_AVAILABLE)
        _opt(card, "cbc:HolderName", means.card.holder_name)
    if account is not None:  # BG-17
        financial = _el(element, "cac:PayeeFinancialAccount")
        _el(financial, "cbc:ID", account.account_id)
        _opt(financial, "cbc:Name", account.account_name)
        if account.service_provider_id is not None:
            branch = _el(financial, "cac:FinancialInstitutionBranch")
            _el(branch, "cbc:ID", account.service_provider_id)
    debit = means.direct_debit
    if debit is not None and (debit.mandate_reference is not None or debit.debited_account_id is not None):
        mandate = _el(element, "cac:PaymentMandate")  # BG-19
        _opt(mandate, "cbc:ID", debit.mandate_reference)
        if debit.debited_account_id is not None:
            _el(_el(mandate, "cac:PayerFinancialAccount"), "cbc:ID", debit.debited_account_id)


def _tax_category(parent: etree._Element, name: str, category: str, rate: Decimal | None) -> etree._Element:
    element = _el(parent, name)
    _el(element, "cbc:ID", category)
    if rate is not None:  # category O carries no rate (BR-O-05)
        _el(element, "cbc:Percent", _num(rate))
    return element


def _allowance_charge(
    parent: etree._Element,
    item: LineAllowanceCharge | DocumentAllowanceCharge,
    is_charge: bool,
    currency: str,
) -> None:
    element = _el(parent, "cac:AllowanceCharge")
    _el(element, "cbc:ChargeIndicator", "true" if is_charge else "false")
    _opt(element, "cbc:AllowanceChargeReasonCode", item.reason_code)
    _opt(element, "cbc:AllowanceChargeReason", item.reason)
    _opt(element, "cbc:MultiplierFactorNumeric", None if item.percentage is None else _num(item.percentage))
    _amount(element, "cbc:Amount", item.amount, currency)
    _amount(element, "cbc:BaseAmount", item.base_amount, currency)
    if isinstance(item, DocumentAllowanceCharge):
        category = _tax_category(element, "cac:TaxCategory", item.vat_category, item.vat_rate)
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)


def _taxes_and_totals(root: etree._Element, invoice: Invoice) -> None:
    currency, totals = invoice.currency, invoice.totals
    tax_total = _el(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", totals.vat_total, currency)  # BT-110
    for entry in invoice.vat_breakdown:  # BG-23
        subtotal = _el(tax_total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", entry.taxable_amount, currency)
        _amount(subtotal, "cbc:TaxAmount", entry.tax_amount, currency)
        category = _tax_category(subtotal, "cac:TaxCategory", entry.category, entry.rate)
        _opt(category, "cbc:TaxExemptionReasonCode", entry.exemption_reason_code)
        _opt(category, "cbc:TaxExemptionReason", entry.exemption_reason)
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)
    accounting = invoice.vat_accounting_currency
    if accounting is not None and accounting != currency:
        # CIUS-RO BR-RO-030 / EN BR-53: the VAT total in RON (BT-111), a TaxTotal without subtotals.
        _amount(_el(root, "cac:TaxTotal"), "cbc:TaxAmount", totals.vat_total_accounting, accounting)
    monetary = _el(root, "cac:LegalMonetaryTotal")  # BG-22
    _amount(monetary, "cbc:LineExtensionAmount", totals.line_net_total, currency)
    _amount(monetary, "cbc:TaxExclusiveAmount", totals.tax_exclusive_amount, currency)
    _amount(monetary, "cbc:TaxInclusiveAmount", totals.tax_inclusive_amount, currency)
    _amount(monetary, "cbc:AllowanceTotalAmount", totals.allowance_total, currency)
    _amount(monetary, "cbc:ChargeTotalAmount", totals.charge_total, currency)
    _amount(monetary, "cbc:PrepaidAmount", totals.prepaid_amount, currency)
    _amount(monetary, "cbc:PayableRoundingAmount", totals.rounding_amount, currency)
    _amount(monetary, "cbc:PayableAmount", totals.payable_amount, currency)


def _line(root: etree._Element, invoice: Invoice, line: InvoiceLine) -> None:
    currency = invoice.currency
    credit = invoice.is_credit_note
    element = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _el(element, "cbc:ID", line.id)  # BT-126
    _opt(element, "cbc:Note", line.note)  # BT-127
    _el(
        element,
        "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
        _num(line.quantity),
        unitCode=line.unit_code,
    )
    _amount(element, "cbc:LineExtensionAmount", line.net_amount, currency)  # BT-131
    _opt(element, "cbc:AccountingCost", line.accounting_reference)  # BT-133
    _period(element, line.period)  # BG-26
    if line.order_line_reference is not None:  # BT-132
        _el(_el(element, "cac:OrderLineReference"), "cbc:LineID", line.order_line_reference)
    if line.object_id is not None:  # BT-128
        _document_reference(element, "cac:DocumentReference", line.object_id, INVOICED_OBJECT_TYPE_CODE)
    for allowance in line.allowances:  # BG-27
        _allowance_charge(element, allowance, False, currency)
    for charge in line.charges:  # BG-28
        _allowance_charge(element, charge, True, currency)
    _item(element, line)
    price = _el(element, "cac:Price")  # BG-29
    _el(price, "cbc:PriceAmount", _num(line.price.net_price), currencyID=currency)
    if line.price.base_quantity is not None:
        _el(price, "cbc:BaseQuantity", _num(line.price.base_quantity), unitCode=line.price.base_quantity_unit)
    if line.price.gross_price is not None:
        discount = line.price.discount
        if discount is None:
            discount = line.price.gross_price - line.price.net_price
        price_discount = _el(price, "cac:AllowanceCharge")
        _el(price_discount, "cbc:ChargeIndicator", "false")
        _el(price_discount, "cbc:Amount", _num(discount), currencyID=currency)  # BT-147
        _el(price_discount, "cbc:BaseAmount", _num(line.price.gross_price), currencyID=currency)  # BT-148


def _item(parent: etree._Element, line: InvoiceLine) -> None:
    item = line.item
    element = _el(parent, "cac:Item")  # BG-31
    _opt(element, "cbc:Description", item.description)
    _el(element, "cbc:Name", item.name)
    if item.buyer_id is not None:
        _el(_el(element, "cac:BuyersItemIdentification"), "cbc:ID", item.buyer_id)
    if item.seller_id is not None:
        _el(_el(element, "cac:SellersItemIdentification"), "cbc:ID", item.seller_id)
    if item.standard_id is not None:
        _identifier(_el(element, "cac:StandardItemIdentification"), "cbc:ID", item.standard_id)
    if item.origin_country is not None:
        _el(_el(element, "cac:OriginCountry"), "cbc:IdentificationCode", item.origin_country)
    for classification in item.classifications:
        _el(
            _el(element, "cac:CommodityClassification"),
            "cbc:ItemClassificationCode",
            classification.code,
            listID=classification.list_id,
            listVersionID=classification.list_version_id,
        )
    category = _tax_category(element, "cac:ClassifiedTaxCategory", item.vat_category, item.vat_rate)  # BG-30
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)
    for attribute in item.attributes:  # BG-32
        prop = _el(element, "cac:AdditionalItemProperty")
        _el(prop, "cbc:Name", attribute.name)
        _el(prop, "cbc:Value", attribute.value)


def to_element(invoice: Invoice) -> etree._Element:
    """The UBL tree of ``invoice`` exactly as the model holds it (no computation, no checks)."""
    credit = invoice.is_credit_note
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = etree.Element(
        f"{{{namespace}}}{invoice.document_kind.value}", nsmap={None: namespace, **_PREFIXES}
    )
    _el(root, "cbc:CustomizationID", CIUS_RO_CUSTOMIZATION_ID)  # BT-24, BR-RO-001
    _opt(root, "cbc:ProfileID", invoice.business_process)  # BT-23
    _el(root, "cbc:ID", invoice.number)  # BT-1
    _el(root, "cbc:IssueDate", invoice.issue_date.isoformat())  # BT-2
    if credit:
        _opt(root, "cbc:TaxPointDate", _date(invoice.tax_point_date))  # BT-7
        _el(root, "cbc:CreditNoteTypeCode", invoice.type_code)  # BT-3
    else:
        _opt(root, "cbc:DueDate", _date(invoice.due_date))  # BT-9
        _el(root, "cbc:InvoiceTypeCode", invoice.type_code)  # BT-3
    for note in invoice.notes:  # BG-1; BT-21 subject code is written "#CODE#text" (EN 16931-3-2)
        _el(root, "cbc:Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
    if not credit:
        _opt(root, "cbc:TaxPointDate", _date(invoice.tax_point_date))  # BT-7
    _el(root, "cbc:DocumentCurrencyCode", invoice.currency)  # BT-5
    _opt(root, "cbc:TaxCurrencyCode", invoice.vat_accounting_currency)  # BT-6
    _opt(root, "cbc:AccountingCost", invoice.buyer_accounting_reference)  # BT-19
    _opt(root, "cbc:BuyerReference", invoice.buyer_reference)  # BT-10
    _references(root, invoice)
    _parties(root, invoice)
    _payment_means(root, invoice)
    if invoice.payment_terms is not None:  # BT-20
        _el(_el(root, "cac:PaymentTerms"), "cbc:Note", invoice.payment_terms)
    for allowance in invoice.allowances:  # BG-20
        _allowance_charge(root, allowance, False, invoice.currency)
    for charge in invoice.charges:  # BG-21
        _allowance_charge(root, charge, True, invoice.currency)
    _taxes_and_totals(root, invoice)
    for line in invoice.lines:  # BG-25
        _line(root, invoice, line)
    return root


def build_xml(invoice: Invoice, *, check: bool = True) -> bytes:
    """UBL 2.1 Invoice/CreditNote bytes (UTF-8, with XML declaration) conforming to CIUS-RO.

    With ``check`` (the default) the invoice is first completed and checked with
    :func:`~genius.fiscal.ro.efactura.compute.compute` and
    :func:`~genius.fiscal.ro.efactura.ciusro.check_rules`, which raise ``CalculationMismatch`` /
    ``RuleViolation``. ``check=False`` writes the model as it is.
    """
    if check:
        invoice = compute(invoice)
        check_rules(invoice)
    return etree.tostring(to_element(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = ["build_xml", "to_element"]

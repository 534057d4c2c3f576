"""The UBL document of the builder: header, references, payment, VAT and totals, in XSD order."""

from __future__ import annotations

import base64

from lxml import etree

from genius.fiscal.ro.efactura.model import (
    CIUS_RO_CUSTOMIZATION_ID,
    Attachment,
    CreditTransfer,
    Identifier,
    Invoice,
    PaymentInstructions,
)
from genius.fiscal.ro.efactura.writer.elements import (
    CARD_NETWORK_NOT_AVAILABLE,
    INVOICED_OBJECT_TYPE_CODE,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    ORDER_REFERENCE_NOT_AVAILABLE,
    PREFIXES,
    PROJECT_REFERENCE_TYPE_CODE,
    VAT_SCHEME,
    allowance_charge_el,
    document_reference_el,
    el,
    iso_date,
    money,
    opt,
    period_el,
    tax_category_el,
)
from genius.fiscal.ro.efactura.writer.lines import line_el
from genius.fiscal.ro.efactura.writer.parties import parties_el
from genius.fiscal.ro.efactura.writer.tree import UblElement, UblRoot, to_lxml


def attachment_el(parent: UblElement, attachment: Attachment) -> None:
    element = el(parent, "cac:AdditionalDocumentReference")
    el(element, "cbc:ID", attachment.reference)  # BT-122
    opt(element, "cbc:DocumentDescription", attachment.description)  # BT-123
    if attachment.content is None and attachment.external_uri is None:
        return
    holder = el(element, "cac:Attachment")
    if attachment.content is not None:  # BT-125 with BT-125-1 mime code and BT-125-2 file name
        el(
            holder,
            "cbc:EmbeddedDocumentBinaryObject",
            base64.b64encode(attachment.content).decode("ascii"),
            mimeCode=attachment.mime_code,
            filename=attachment.filename,
        )
    if attachment.external_uri is not None:
        el(el(holder, "cac:ExternalReference"), "cbc:URI", attachment.external_uri)  # BT-124


def references_el(root: UblElement, invoice: Invoice) -> None:
    """InvoicePeriod .. ProjectReference, in each document's own XSD order."""
    period_el(root, invoice.invoicing_period, invoice.tax_point_date_code)
    if invoice.purchase_order_reference is not None or invoice.sales_order_reference is not None:
        order = el(root, "cac:OrderReference")
        el(order, "cbc:ID", invoice.purchase_order_reference or ORDER_REFERENCE_NOT_AVAILABLE)  # BT-13
        opt(order, "cbc:SalesOrderID", invoice.sales_order_reference)  # BT-14
    for preceding in invoice.preceding_invoices:  # BG-3
        ref = el(el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        el(ref, "cbc:ID", preceding.number)
        opt(ref, "cbc:IssueDate", iso_date(preceding.issue_date))
    if invoice.despatch_advice_reference is not None:  # BT-16
        el(el(root, "cac:DespatchDocumentReference"), "cbc:ID", invoice.despatch_advice_reference)
    if invoice.receiving_advice_reference is not None:  # BT-15
        el(el(root, "cac:ReceiptDocumentReference"), "cbc:ID", invoice.receiving_advice_reference)

    def originator() -> None:  # BT-17
        if invoice.tender_or_lot_reference is not None:
            el(el(root, "cac:OriginatorDocumentReference"), "cbc:ID", invoice.tender_or_lot_reference)

    def additional() -> None:  # BT-18, BT-11 (credit note only), BG-24
        if invoice.invoiced_object_id is not None:
            document_reference_el(
                root, "cac:AdditionalDocumentReference", invoice.invoiced_object_id, INVOICED_OBJECT_TYPE_CODE
            )
        if invoice.is_credit_note and invoice.project_reference is not None:
            document_reference_el(
                root,
                "cac:AdditionalDocumentReference",
                Identifier(value=invoice.project_reference),
                PROJECT_REFERENCE_TYPE_CODE,
            )
        for attachment in invoice.attachments:
            attachment_el(root, attachment)

    # The two documents order these differently (CreditNote: Contract, Additional, Originator).
    if invoice.is_credit_note:
        if invoice.contract_reference is not None:  # BT-12
            el(el(root, "cac:ContractDocumentReference"), "cbc:ID", invoice.contract_reference)
        additional()
        originator()
    else:
        originator()
        if invoice.contract_reference is not None:  # BT-12
            el(el(root, "cac:ContractDocumentReference"), "cbc:ID", invoice.contract_reference)
        additional()
        if invoice.project_reference is not None:  # BT-11
            el(el(root, "cac:ProjectReference"), "cbc:ID", invoice.project_reference)


def payment_means_el(root: UblElement, invoice: Invoice) -> None:
    """BG-16: one UBL PaymentMeans per credit transfer account (UBL holds one account per block).

    UBL-SR-45/46 allow the due date and the payment means text only once in the whole document,
    so they ride on the first block only.
    """
    first = True
    for means in invoice.payment_instructions:
        accounts: list[CreditTransfer | None] = list(means.credit_transfers) or [None]
        for index, account in enumerate(accounts):
            element = el(root, "cac:PaymentMeans")
            text = means.means_text if first else None
            el(element, "cbc:PaymentMeansCode", means.means_code, name=text)
            if first and invoice.is_credit_note:
                # UBL CreditNote has no DueDate: BT-9 goes in PaymentMeans/PaymentDueDate.
                opt(element, "cbc:PaymentDueDate", iso_date(invoice.due_date))
            opt(element, "cbc:PaymentID", means.remittance_information)
            # UBL-SR-54/55: one card and one mandate per document, so only on a means' first block.
            card_and_accounts_el(element, means if index == 0 else None, account)
            first = False


def card_and_accounts_el(
    element: UblElement, means: PaymentInstructions | None, account: CreditTransfer | None
) -> None:
    """BG-18 card, BG-17 account and BG-19 mandate of one PaymentMeans (``means`` None: account only)."""
    if means is not None and means.card is not None:  # BG-18
        card = el(element, "cac:CardAccount")
        el(card, "cbc:PrimaryAccountNumberID", means.card.primary_account_number)
        el(card, "cbc:NetworkID", means.card.network_id or CARD_NETWORK_NOT_AVAILABLE)
        opt(card, "cbc:HolderName", means.card.holder_name)
    if account is not None:  # BG-17
        financial = el(element, "cac:PayeeFinancialAccount")
        el(financial, "cbc:ID", account.account_id)
        opt(financial, "cbc:Name", account.account_name)
        if account.service_provider_id is not None:
            branch = el(financial, "cac:FinancialInstitutionBranch")
            el(branch, "cbc:ID", account.service_provider_id)
    debit = means.direct_debit if means is not None else None
    if debit is not None and (debit.mandate_reference is not None or debit.debited_account_id is not None):
        mandate = el(element, "cac:PaymentMandate")  # BG-19
        opt(mandate, "cbc:ID", debit.mandate_reference)
        if debit.debited_account_id is not None:
            el(el(mandate, "cac:PayerFinancialAccount"), "cbc:ID", debit.debited_account_id)


def taxes_and_totals_el(root: UblElement, invoice: Invoice) -> None:
    currency, totals = invoice.currency, invoice.totals
    tax_total = el(root, "cac:TaxTotal")
    money(tax_total, "cbc:TaxAmount", totals.vat_total, currency)  # BT-110
    for entry in invoice.vat_breakdown:  # BG-23
        subtotal = el(tax_total, "cac:TaxSubtotal")
        money(subtotal, "cbc:TaxableAmount", entry.taxable_amount, currency)
        money(subtotal, "cbc:TaxAmount", entry.tax_amount, currency)
        category = tax_category_el(subtotal, "cac:TaxCategory", entry.category, entry.rate)
        opt(category, "cbc:TaxExemptionReasonCode", entry.exemption_reason_code)
        opt(category, "cbc:TaxExemptionReason", entry.exemption_reason)
        el(el(category, "cac:TaxScheme"), "cbc:ID", VAT_SCHEME)
    accounting = invoice.vat_accounting_currency
    if accounting is not None and accounting != currency:
        # CIUS-RO BR-RO-030 / EN BR-53: the VAT total in RON (BT-111), a TaxTotal without subtotals.
        money(el(root, "cac:TaxTotal"), "cbc:TaxAmount", totals.vat_total_accounting, accounting)
    monetary = el(root, "cac:LegalMonetaryTotal")  # BG-22
    money(monetary, "cbc:LineExtensionAmount", totals.line_net_total, currency)
    money(monetary, "cbc:TaxExclusiveAmount", totals.tax_exclusive_amount, currency)
    money(monetary, "cbc:TaxInclusiveAmount", totals.tax_inclusive_amount, currency)
    money(monetary, "cbc:AllowanceTotalAmount", totals.allowance_total, currency)
    money(monetary, "cbc:ChargeTotalAmount", totals.charge_total, currency)
    money(monetary, "cbc:PrepaidAmount", totals.prepaid_amount, currency)
    money(monetary, "cbc:PayableRoundingAmount", totals.rounding_amount, currency)
    money(monetary, "cbc:PayableAmount", totals.payable_amount, currency)


def to_tree(invoice: Invoice) -> UblRoot:
    """The UBL tree of ``invoice`` exactly as the model holds it (no computation, no checks)."""
    credit = invoice.is_credit_note
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = UblRoot(invoice.document_kind.value, namespace, PREFIXES)
    el(root, "cbc:CustomizationID", CIUS_RO_CUSTOMIZATION_ID)  # BT-24, BR-RO-001
    opt(root, "cbc:ProfileID", invoice.business_process)  # BT-23
    el(root, "cbc:ID", invoice.number)  # BT-1
    el(root, "cbc:IssueDate", invoice.issue_date.isoformat())  # BT-2
    if credit:
        opt(root, "cbc:TaxPointDate", iso_date(invoice.tax_point_date))  # BT-7
        el(root, "cbc:CreditNoteTypeCode", invoice.type_code)  # BT-3
    else:
        opt(root, "cbc:DueDate", iso_date(invoice.due_date))  # BT-9
        el(root, "cbc:InvoiceTypeCode", invoice.type_code)  # BT-3
    for note in invoice.notes:  # BG-1; BT-21 subject code is written "#CODE#text" (EN 16931-3-2)
        el(root, "cbc:Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
    if not credit:
        opt(root, "cbc:TaxPointDate", iso_date(invoice.tax_point_date))  # BT-7
    el(root, "cbc:DocumentCurrencyCode", invoice.currency)  # BT-5
    opt(root, "cbc:TaxCurrencyCode", invoice.vat_accounting_currency)  # BT-6
    opt(root, "cbc:AccountingCost", invoice.buyer_accounting_reference)  # BT-19
    opt(root, "cbc:BuyerReference", invoice.buyer_reference)  # BT-10
    references_el(root, invoice)
    parties_el(root, invoice)
    payment_means_el(root, invoice)
    if invoice.payment_terms is not None:  # BT-20
        el(el(root, "cac:PaymentTerms"), "cbc:Note", invoice.payment_terms)
    for allowance in invoice.allowances:  # BG-20
        allowance_charge_el(root, allowance, False, invoice.currency)
    for charge in invoice.charges:  # BG-21
        allowance_charge_el(root, charge, True, invoice.currency)
    taxes_and_totals_el(root, invoice)
    for line in invoice.lines:  # BG-25
        line_el(root, invoice, line)
    return root


def to_element(invoice: Invoice) -> etree._Element:
    """The UBL tree of ``invoice`` as lxml elements (``build_xml`` serializes ``to_tree`` directly)."""
    return to_lxml(to_tree(invoice))

"""The UBL document root -> ``Invoice``: header terms, references, payment, document allowances
and charges, VAT totals and breakdown, attachments (EN 16931-3-2 UBL syntax binding)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from genius.fiscal.ro.efactura.model import (
    Attachment,
    CreditTransfer,
    DirectDebit,
    DocumentAllowanceCharge,
    DocumentKind,
    DocumentTotals,
    Invoice,
    Note,
    PaymentCard,
    PaymentInstructions,
    PrecedingInvoiceReference,
    VatBreakdown,
)
from genius.fiscal.ro.efactura.parse import lines, parties
from genius.fiscal.ro.efactura.parse.errors import InvalidField
from genius.fiscal.ro.efactura.parse.nodes import Node

# EN 16931-3-2: an AdditionalDocumentReference with DocumentTypeCode 130 is the invoiced object
# identifier (BT-18), and one with code 50 is the project reference (BT-11, the credit note's only
# place for it); every other one is a supporting document (BG-24).
INVOICED_OBJECT_TYPE_CODE: Final = "130"
PROJECT_REFERENCE_TYPE_CODE: Final = "50"
# UNTDID 4461 payment means that are direct debits (49 direct debit, 59 SEPA direct debit): they
# hold BG-19 even without a PaymentMandate element.
DIRECT_DEBIT_MEANS_CODES: Final = frozenset({"49", "59"})
# "Not available": EN 16931-3-2 writes OrderReference/ID as "NA" when only BT-14 is known, and
# UBL's mandatory CardAccount/NetworkID (no EN 16931 term) is "NA" when unknown.
NOT_AVAILABLE: Final = "NA"
# EN 16931-3-2 writes the note subject code (BT-21) as a "#CODE#" prefix of the note (BT-22).
_NOTE_SUBJECT_RE: Final = re.compile(r"#([A-Za-z0-9]{1,3})#(.*)", re.DOTALL)


def invoice(root: Node, root_name: str) -> Invoice:
    credit_note = root_name == "CreditNote"
    currency = root.required_text("cbc:DocumentCurrencyCode", "BT-5 invoice currency code")
    tax_currency = root.text("cbc:TaxCurrencyCode")
    period_node = root.child("cac:InvoicePeriod")
    order = root.child("cac:OrderReference")
    references = _additional_references(root)
    project_ids = [
        n for n in (root.at("cac:ProjectReference", "cbc:ID"), references.project) if n is not None
    ]
    if len(project_ids) > 1:
        raise InvalidField(project_ids[1].path, "BT-11 project reference is given twice")
    vat_total, vat_total_accounting, breakdown = _tax_totals(root, currency, tax_currency)
    allowances, charges = _document_allowances_charges(root)
    creditor = _creditor_id(root)
    payment = _payment_instructions(root, creditor.value)
    return Invoice(
        document_kind=DocumentKind.CREDIT_NOTE if credit_note else DocumentKind.INVOICE,
        specification_id=root.text("cbc:CustomizationID"),
        business_process=root.text("cbc:ProfileID"),
        number=root.required_text("cbc:ID", "BT-1 invoice number"),
        issue_date=root.required_date("cbc:IssueDate", "BT-2 invoice issue date"),
        type_code=root.required_text(
            "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode", "BT-3 invoice type code"
        ),
        currency=currency,
        vat_accounting_currency=tax_currency,
        tax_point_date=root.date("cbc:TaxPointDate"),
        tax_point_date_code=period_node.text("cbc:DescriptionCode") if period_node is not None else None,
        due_date=_due_date(root, credit_note),
        buyer_reference=root.text("cbc:BuyerReference"),
        project_reference=project_ids[0].value() if project_ids else None,
        contract_reference=root.text("cac:ContractDocumentReference", "cbc:ID"),
        purchase_order_reference=_purchase_order(order),
        sales_order_reference=order.text("cbc:SalesOrderID") if order is not None else None,
        receiving_advice_reference=root.text("cac:ReceiptDocumentReference", "cbc:ID"),
        despatch_advice_reference=root.text("cac:DespatchDocumentReference", "cbc:ID"),
        tender_or_lot_reference=root.text("cac:OriginatorDocumentReference", "cbc:ID"),
        invoiced_object_id=parties.identifier(references.invoiced_object),
        buyer_accounting_reference=root.text("cbc:AccountingCost"),
        payment_terms=root.text("cac:PaymentTerms", "cbc:Note"),
        notes=[note for node in root.children("cbc:Note") if (note := _note(node)) is not None],
        preceding_invoices=[_preceding(node) for node in root.children("cac:BillingReference")],
        seller=parties.trading_party(
            root.required("cac:AccountingSupplierParty", "BG-4 seller"),
            seller=True,
            sepa_is_creditor_id=creditor.from_seller,
        ),
        buyer=parties.trading_party(
            root.required("cac:AccountingCustomerParty", "BG-7 buyer"),
            seller=False,
            sepa_is_creditor_id=False,
        ),
        payee=parties.payee(root.child("cac:PayeeParty"), sepa_is_creditor_id=creditor.from_payee),
        tax_representative=parties.tax_representative(root.child("cac:TaxRepresentativeParty")),
        delivery=parties.delivery(root.child("cac:Delivery")),
        invoicing_period=lines.period(period_node),
        payment_instructions=payment,
        allowances=allowances,
        charges=charges,
        totals=_totals(root.child("cac:LegalMonetaryTotal"), vat_total, vat_total_accounting),
        vat_breakdown=breakdown,
        attachments=references.attachments,
        lines=[
            lines.line(node, credit_note=credit_note)
            for node in root.children("cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
        ],
    )


def _due_date(root: Node, credit_note: bool) -> date | None:
    """BT-9: ``cbc:DueDate`` on an Invoice; a UBL CreditNote has none, so EN 16931-3-2 binds it to
    ``cac:PaymentMeans/cbc:PaymentDueDate`` there."""
    if not credit_note:
        return root.date("cbc:DueDate")
    found = [
        (n.path, d)
        for pm in root.children("cac:PaymentMeans")
        if (n := pm.child("cbc:PaymentDueDate")) is not None and (d := n.as_date()) is not None
    ]
    differing = [path for path, day in found if day != found[0][1]]
    if differing:
        raise InvalidField(differing[0], "BT-9 payment due date differs between payment means")
    return found[0][1] if found else None


def _purchase_order(order: Node | None) -> str | None:
    """BT-13; "NA" beside a sales order reference (BT-14) means "not available" (EN 16931-3-2)."""
    if order is None:
        return None
    number = order.text("cbc:ID")
    if number == NOT_AVAILABLE and order.text("cbc:SalesOrderID") is not None:
        return None
    return number


def _note(node: Node) -> Note | None:
    text = node.value()
    if text is None:
        return None
    match = _NOTE_SUBJECT_RE.fullmatch(text)
    if match is not None and match[2].strip():
        return Note(text=match[2].strip(), subject_code=match[1])
    return Note(text=text)


def _preceding(node: Node) -> PrecedingInvoiceReference:
    """BG-3 from ``cac:BillingReference/cac:InvoiceDocumentReference``."""
    reference = node.required("cac:InvoiceDocumentReference", "BG-3 preceding invoice reference")
    return PrecedingInvoiceReference(
        number=reference.required_text("cbc:ID", "BT-25 preceding invoice reference"),
        issue_date=reference.date("cbc:IssueDate"),
    )


class _References:
    """The AdditionalDocumentReference elements sorted into BT-18, BT-11 and BG-24."""

    def __init__(self) -> None:
        self.invoiced_object: Node | None = None
        self.project: Node | None = None
        self.attachments: list[Attachment] = []


def _additional_references(root: Node) -> _References:
    found = _References()
    for node in root.children("cac:AdditionalDocumentReference"):
        type_code = node.text("cbc:DocumentTypeCode")
        if type_code in (INVOICED_OBJECT_TYPE_CODE, PROJECT_REFERENCE_TYPE_CODE):
            id_node = node.required("cbc:ID", "document reference identifier")
            slot = "invoiced_object" if type_code == INVOICED_OBJECT_TYPE_CODE else "project"
            if getattr(found, slot) is not None:
                term = (
                    "BT-18 invoiced object identifier"
                    if slot == "invoiced_object"
                    else "BT-11 project reference"
                )
                raise InvalidField(id_node.path, f"{term} is given twice")
            setattr(found, slot, id_node)
            continue
        found.attachments.append(_attachment(node))
    return found


def _attachment(node: Node) -> Attachment:
    """BG-24 supporting document, with its embedded content decoded from base64 (BT-125)."""
    holder = node.child("cac:Attachment")
    binary = holder.child("cbc:EmbeddedDocumentBinaryObject") if holder is not None else None
    content = binary.as_base64() if binary is not None else None
    # BT-125-1 and BT-125-2 qualify BT-125: without content they describe nothing.
    described = binary if binary is not None and content is not None else None
    return Attachment(
        reference=node.required_text("cbc:ID", "BT-122 supporting document reference"),
        description=node.text("cbc:DocumentDescription"),
        external_uri=holder.text("cac:ExternalReference", "cbc:URI") if holder is not None else None,
        content=content,
        mime_code=described.attribute("mimeCode") if described is not None else None,
        filename=described.attribute("filename") if described is not None else None,
    )


@dataclass(frozen=True)
class _CreditorId:
    """BT-90 and where it was found (EN 16931-3-2: payee or seller identifier, scheme SEPA)."""

    value: str | None = None
    from_seller: bool = False
    from_payee: bool = False


def _is_direct_debit(means: Node) -> bool:
    code = means.child("cbc:PaymentMeansCode")
    return means.child("cac:PaymentMandate") is not None or (
        code is not None and code.value() in DIRECT_DEBIT_MEANS_CODES
    )


def _creditor_id(root: Node) -> _CreditorId:
    """BT-90, only when a direct debit (BG-19) can hold it; otherwise a SEPA-scheme id stays an
    ordinary party identifier, so nothing the document says is dropped."""
    if not any(_is_direct_debit(means) for means in root.children("cac:PaymentMeans")):
        return _CreditorId()
    on_payee = parties.sepa_creditor_id(root.child("cac:PayeeParty"), nested=False)
    if on_payee is not None:
        return _CreditorId(value=on_payee[1], from_payee=True)
    on_seller = parties.sepa_creditor_id(root.child("cac:AccountingSupplierParty"), nested=True)
    if on_seller is not None:
        return _CreditorId(value=on_seller[1], from_seller=True)
    return _CreditorId()


def _payment_instructions(root: Node, creditor_id: str | None) -> list[PaymentInstructions]:
    """BG-16, one per ``cac:PaymentMeans`` (UBL repeats PaymentMeans per BG-17 account)."""
    found = []
    for node in root.children("cac:PaymentMeans"):
        code = node.required("cbc:PaymentMeansCode", "BT-81 payment means type code")
        account = node.child("cac:PayeeFinancialAccount")
        card = node.child("cac:CardAccount")
        found.append(
            PaymentInstructions(
                means_code=_required_value(code, "BT-81 payment means type code"),
                means_text=code.attribute("name"),
                remittance_information=node.text("cbc:PaymentID"),
                credit_transfers=[_credit_transfer(account)] if account is not None else [],
                card=_card(card) if card is not None else None,
                direct_debit=_direct_debit(node, creditor_id),
            )
        )
    return found


def _required_value(node: Node, term: str) -> str:
    value = node.value()
    if value is None:
        raise InvalidField(node.path, f"{term} is empty")
    return value


def _credit_transfer(node: Node) -> CreditTransfer:
    return CreditTransfer(
        account_id=node.required_text("cbc:ID", "BT-84 payment account identifier"),
        account_name=node.text("cbc:Name"),
        service_provider_id=node.text("cac:FinancialInstitutionBranch", "cbc:ID"),
    )


def _card(node: Node) -> PaymentCard:
    return PaymentCard(
        primary_account_number=node.required_text("cbc:PrimaryAccountNumberID", "BT-87 payment card number"),
        holder_name=node.text("cbc:HolderName"),
        network_id=None if (network := node.text("cbc:NetworkID")) == NOT_AVAILABLE else network,
    )


def _direct_debit(means: Node, creditor_id: str | None) -> DirectDebit | None:
    """BG-19 from ``cac:PaymentMandate``, plus BT-90 on every direct debit payment means."""
    if not _is_direct_debit(means):
        return None
    mandate = means.child("cac:PaymentMandate")
    found = DirectDebit(
        mandate_reference=mandate.text("cbc:ID") if mandate is not None else None,
        creditor_reference=creditor_id,
        debited_account_id=mandate.text("cac:PayerFinancialAccount", "cbc:ID")
        if mandate is not None
        else None,
    )
    return None if found == DirectDebit() else found


def _document_allowances_charges(
    root: Node,
) -> tuple[list[DocumentAllowanceCharge], list[DocumentAllowanceCharge]]:
    """BG-20 allowances and BG-21 charges, told apart by ``cbc:ChargeIndicator``."""
    allowances: list[DocumentAllowanceCharge] = []
    charges: list[DocumentAllowanceCharge] = []
    for node in root.children("cac:AllowanceCharge"):
        is_charge = lines.charge_indicator(node, "document allowance/charge")
        term = (
            "BT-102 document level charge VAT category code"
            if is_charge
            else ("BT-95 document level allowance VAT category code")
        )
        category = node.required("cac:TaxCategory", term)
        found = DocumentAllowanceCharge(
            amount=node.decimal("cbc:Amount"),
            base_amount=node.decimal("cbc:BaseAmount"),
            percentage=node.decimal("cbc:MultiplierFactorNumeric"),
            vat_category=category.required_text("cbc:ID", term),
            vat_rate=category.decimal("cbc:Percent"),
            reason=node.text("cbc:AllowanceChargeReason"),
            reason_code=node.text("cbc:AllowanceChargeReasonCode"),
        )
        (charges if is_charge else allowances).append(found)
    return allowances, charges


def _tax_totals(
    root: Node, currency: str, tax_currency: str | None
) -> tuple[Decimal | None, Decimal | None, list[VatBreakdown]]:
    """BT-110 (with the BG-23 breakdown) and BT-111, told apart by the TaxAmount's currencyID.

    EN 16931-3-2: BT-110 is the TaxTotal whose TaxAmount is in the invoice currency (BT-5), BT-111
    the one in the VAT accounting currency (BT-6), which carries no subtotals.
    When both currencies are the same the first TaxTotal is BT-110 and a second one BT-111.
    """
    main: Node | None = None
    accounting: Node | None = None
    for node in root.children("cac:TaxTotal"):
        if node.decimal("cbc:TaxAmount") is None and not node.children("cac:TaxSubtotal"):
            continue  # an empty TaxTotal says nothing (UBL would require its TaxAmount)
        amount = node.child("cbc:TaxAmount")
        amount_currency = amount.attribute("currencyID") if amount is not None else None
        is_accounting = (
            tax_currency is not None
            and amount_currency == tax_currency
            and (tax_currency != currency or main is not None)
            and not node.children("cac:TaxSubtotal")
        )
        if is_accounting:
            if accounting is not None:
                raise InvalidField(node.path, "BT-111 total VAT amount in accounting currency is given twice")
            accounting = node
        else:
            if main is not None:
                raise InvalidField(node.path, "BT-110 invoice total VAT amount is given twice")
            main = node
    vat_total = main.decimal("cbc:TaxAmount") if main is not None else None
    vat_total_accounting = accounting.decimal("cbc:TaxAmount") if accounting is not None else None
    breakdown = [_vat_breakdown(n) for n in main.children("cac:TaxSubtotal")] if main is not None else []
    return vat_total, vat_total_accounting, breakdown


def _vat_breakdown(node: Node) -> VatBreakdown:
    category = node.required("cac:TaxCategory", "BT-118 VAT category code")
    return VatBreakdown(
        taxable_amount=node.decimal("cbc:TaxableAmount"),
        tax_amount=node.decimal("cbc:TaxAmount"),
        category=category.required_text("cbc:ID", "BT-118 VAT category code"),
        rate=category.decimal("cbc:Percent"),
        exemption_reason=category.text("cbc:TaxExemptionReason"),
        exemption_reason_code=category.text("cbc:TaxExemptionReasonCode"),
    )


def _totals(
    node: Node | None, vat_total: Decimal | None, vat_total_accounting: Decimal | None
) -> DocumentTotals:
    """BG-22 from ``cac:LegalMonetaryTotal`` plus the two VAT totals read from TaxTotal."""
    if node is None:
        return DocumentTotals(vat_total=vat_total, vat_total_accounting=vat_total_accounting)
    return DocumentTotals(
        line_net_total=node.decimal("cbc:LineExtensionAmount"),
        allowance_total=node.decimal("cbc:AllowanceTotalAmount"),
        charge_total=node.decimal("cbc:ChargeTotalAmount"),
        tax_exclusive_amount=node.decimal("cbc:TaxExclusiveAmount"),
        vat_total=vat_total,
        vat_total_accounting=vat_total_accounting,
        tax_inclusive_amount=node.decimal("cbc:TaxInclusiveAmount"),
        prepaid_amount=node.decimal("cbc:PrepaidAmount"),
        rounding_amount=node.decimal("cbc:PayableRoundingAmount"),
        payable_amount=node.decimal("cbc:PayableAmount"),
    )


__all__ = ["invoice"]

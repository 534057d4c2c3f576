"""The builder's fast path: the document's text written straight from the model, no tree.

The tree writers (``document``, ``parties``, ``lines`` over ``tree``) stay the reference: they
give :func:`~.document.to_element` and every document this path is not sure of. This path
mirrors them branch for branch, but writes each element as one formatted string at its known
depth (libxml2's pretty print: two spaces a level, a text-only element on one line, ``<x/>`` when
empty) instead of making ~225 objects per 10-line invoice and walking them.

Every text and attribute value goes into ``texts`` as well as into the output. The output is
only used when, at the end, every one of them is a plain ``str`` and all of them together hold no
character libxml2 would escape or refuse (``& < > "``, any control character, line separators,
surrogates, U+FFFE/U+FFFF: ``str.isprintable`` refuses all of those but the four markup ones; for
the usual all-ASCII texts one ``bytes.translate`` pass checks the same).
Then nothing needed escaping or checking, and the bytes are those of the tree path. Anything else
(a ``None`` where the tree writes ``<x/>``, a non-``str`` value, an escape, an exception) returns
None and the tree path writes the document, with its escapes, refusals and messages.
"""

from __future__ import annotations

import base64

from genius.fiscal.ro.efactura.model import CIUS_RO_CUSTOMIZATION_ID, CreditTransfer, Invoice
from genius.fiscal.ro.efactura.writer.elements import (
    CARD_NETWORK_NOT_AVAILABLE,
    INVOICED_OBJECT_TYPE_CODE,
    NS_CAC,
    NS_CBC,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    ORDER_REFERENCE_NOT_AVAILABLE,
    PREFIXES,
    PROJECT_REFERENCE_TYPE_CODE,
)
from genius.fiscal.ro.efactura.writer.text_lines import allowance_charge, lines
from genius.fiscal.ro.efactura.writer.text_parties import parties
from genius.fiscal.ro.efactura.writer.text_parts import (
    I1,
    I2,
    I3,
    I4,
    I5,
    close,
    ident,
    leaf,
    money,
    num,
    opt,
    period,
)
from genius.fiscal.ro.efactura.writer.tree import _DECLARATION

_STR_ONLY = frozenset((str,))
# ASCII that libxml2 escapes in text or attribute values, or refuses, and what str.isprintable
# refuses (DEL): anything but printable ASCII without & < > ".
_ASCII_NOT_AS_IS = bytes([*range(0x20), 0x7F, *b'&<>"'])
# The root's namespace declarations as the tree path writes them (default namespace, then PREFIXES).
assert list(PREFIXES.items()) == [("cac", NS_CAC), ("cbc", NS_CBC)]


def document_bytes(invoice: Invoice) -> bytes | None:
    """The UTF-8 bytes the tree path gives for ``invoice``, or None when this path is not sure."""
    out: list[str] = []
    texts: list[str] = []
    try:
        _document(invoice, out, texts)
    except Exception:
        return None
    if not _STR_ONLY.issuperset(map(type, texts)):
        return None
    joined = "".join(texts)
    if joined.isascii():  # the usual case: one C pass deleting what may not pass, nothing deleted
        raw = joined.encode("ascii")
        if len(raw.translate(None, _ASCII_NOT_AS_IS)) != len(raw):
            return None
    elif not joined.isprintable() or "&" in joined or "<" in joined or ">" in joined or '"' in joined:
        return None
    return "".join(out).encode("utf-8")


def _document(invoice: Invoice, out: list[str], t: list[str]) -> None:
    credit = invoice.is_credit_note
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    name = invoice.document_kind.value
    out.append(_DECLARATION + "<" + name + f' xmlns="{namespace}" xmlns:cac="{NS_CAC}" xmlns:cbc="{NS_CBC}">')
    leaf(out, t, I1, "cbc:CustomizationID", CIUS_RO_CUSTOMIZATION_ID)
    opt(out, t, I1, "cbc:ProfileID", invoice.business_process)
    leaf(out, t, I1, "cbc:ID", invoice.number)
    leaf(out, t, I1, "cbc:IssueDate", invoice.issue_date.isoformat())
    if credit:
        opt(out, t, I1, "cbc:TaxPointDate", _iso(invoice.tax_point_date))
        leaf(out, t, I1, "cbc:CreditNoteTypeCode", invoice.type_code)
    else:
        opt(out, t, I1, "cbc:DueDate", _iso(invoice.due_date))
        leaf(out, t, I1, "cbc:InvoiceTypeCode", invoice.type_code)
    for note in invoice.notes:
        leaf(out, t, I1, "cbc:Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
    if not credit:
        opt(out, t, I1, "cbc:TaxPointDate", _iso(invoice.tax_point_date))
    leaf(out, t, I1, "cbc:DocumentCurrencyCode", invoice.currency)
    opt(out, t, I1, "cbc:TaxCurrencyCode", invoice.vat_accounting_currency)
    opt(out, t, I1, "cbc:AccountingCost", invoice.buyer_accounting_reference)
    opt(out, t, I1, "cbc:BuyerReference", invoice.buyer_reference)
    _references(invoice, out, t)
    parties(invoice, out, t)
    _payment_means(invoice, out, t)
    if invoice.payment_terms is not None:
        leaf(out, t, I2, "cbc:Note", invoice.payment_terms, f"{I1}<cac:PaymentTerms>")
        out.append(f"{I1}</cac:PaymentTerms>")
    currency = invoice.currency
    for allowance in invoice.allowances:
        allowance_charge(out, t, I1, allowance, False, currency)
    for charge in invoice.charges:
        allowance_charge(out, t, I1, charge, True, currency)
    _taxes_and_totals(invoice, out, t)
    lines(out, t, invoice)
    out.append("\n</" + name + ">\n")


def _iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]


def _id_in(out: list[str], t: list[str], name: str, value: object) -> None:
    """``<name><cbc:ID>value</cbc:ID></name>`` under the root."""
    leaf(out, t, I2, "cbc:ID", value, f"{I1}<{name}>")
    out.append(f"{I1}</{name}>")


def _document_reference(out: list[str], t: list[str], value: object, scheme: object, code: str) -> None:
    out.append(f"{I1}<cac:AdditionalDocumentReference>")
    ident(out, t, I2, "cbc:ID", value, scheme)
    out.append(
        f"{I2}<cbc:DocumentTypeCode>{code}</cbc:DocumentTypeCode>{I1}</cac:AdditionalDocumentReference>"
    )


def _references(invoice: Invoice, out: list[str], t: list[str]) -> None:
    period(out, t, I1, invoice.invoicing_period, invoice.tax_point_date_code)
    if invoice.purchase_order_reference is not None or invoice.sales_order_reference is not None:
        leaf(
            out,
            t,
            I2,
            "cbc:ID",
            invoice.purchase_order_reference or ORDER_REFERENCE_NOT_AVAILABLE,
            f"{I1}<cac:OrderReference>",
        )
        opt(out, t, I2, "cbc:SalesOrderID", invoice.sales_order_reference)
        out.append(f"{I1}</cac:OrderReference>")
    for preceding in invoice.preceding_invoices:
        leaf(
            out,
            t,
            I3,
            "cbc:ID",
            preceding.number,
            f"{I1}<cac:BillingReference>{I2}<cac:InvoiceDocumentReference>",
        )
        opt(out, t, I3, "cbc:IssueDate", _iso(preceding.issue_date))
        out.append(f"{I2}</cac:InvoiceDocumentReference>{I1}</cac:BillingReference>")
    if invoice.despatch_advice_reference is not None:
        _id_in(out, t, "cac:DespatchDocumentReference", invoice.despatch_advice_reference)
    if invoice.receiving_advice_reference is not None:
        _id_in(out, t, "cac:ReceiptDocumentReference", invoice.receiving_advice_reference)
    credit = invoice.is_credit_note
    if credit:
        if invoice.contract_reference is not None:
            _id_in(out, t, "cac:ContractDocumentReference", invoice.contract_reference)
        _additional(invoice, out, t)
        if invoice.tender_or_lot_reference is not None:
            _id_in(out, t, "cac:OriginatorDocumentReference", invoice.tender_or_lot_reference)
    else:
        if invoice.tender_or_lot_reference is not None:
            _id_in(out, t, "cac:OriginatorDocumentReference", invoice.tender_or_lot_reference)
        if invoice.contract_reference is not None:
            _id_in(out, t, "cac:ContractDocumentReference", invoice.contract_reference)
        _additional(invoice, out, t)
        if invoice.project_reference is not None:
            _id_in(out, t, "cac:ProjectReference", invoice.project_reference)


def _additional(invoice: Invoice, out: list[str], t: list[str]) -> None:
    object_id = invoice.invoiced_object_id
    if object_id is not None:
        _document_reference(out, t, object_id.value, object_id.scheme, INVOICED_OBJECT_TYPE_CODE)
    if invoice.is_credit_note and invoice.project_reference is not None:
        _document_reference(out, t, invoice.project_reference, None, PROJECT_REFERENCE_TYPE_CODE)
    for attachment in invoice.attachments:
        leaf(out, t, I2, "cbc:ID", attachment.reference, f"{I1}<cac:AdditionalDocumentReference>")
        opt(out, t, I2, "cbc:DocumentDescription", attachment.description)
        if attachment.content is not None or attachment.external_uri is not None:
            out.append(f"{I2}<cac:Attachment>")
            if attachment.content is not None:
                content = base64.b64encode(attachment.content).decode("ascii")
                attrs = ""
                for key, value in (("mimeCode", attachment.mime_code), ("filename", attachment.filename)):
                    if value is not None:
                        t.append(value)
                        attrs += f' {key}="{value}"'
                t.append(content)
                out.append(
                    f"{I3}<cbc:EmbeddedDocumentBinaryObject{attrs}>{content}</cbc:EmbeddedDocumentBinaryObject>"
                )
            if attachment.external_uri is not None:
                leaf(out, t, I4, "cbc:URI", attachment.external_uri, f"{I3}<cac:ExternalReference>")
                out.append(f"{I3}</cac:ExternalReference>")
            out.append(f"{I2}</cac:Attachment>")
        out.append(f"{I1}</cac:AdditionalDocumentReference>")


def _payment_means(invoice: Invoice, out: list[str], t: list[str]) -> None:
    first = True
    for means in invoice.payment_instructions:
        accounts: list[CreditTransfer | None] = list(means.credit_transfers) or [None]
        for index, account in enumerate(accounts):
            out.append(f"{I1}<cac:PaymentMeans>")
            code = means.means_code
            text = means.means_text if first else None
            ident(out, t, I2, "cbc:PaymentMeansCode", code, text, attribute="name")
            if first and invoice.is_credit_note:
                opt(out, t, I2, "cbc:PaymentDueDate", _iso(invoice.due_date))
            opt(out, t, I2, "cbc:PaymentID", means.remittance_information)
            card = means.card if index == 0 else None
            if card is not None:
                leaf(
                    out,
                    t,
                    I3,
                    "cbc:PrimaryAccountNumberID",
                    card.primary_account_number,
                    f"{I2}<cac:CardAccount>",
                )
                leaf(out, t, I3, "cbc:NetworkID", card.network_id or CARD_NETWORK_NOT_AVAILABLE)
                opt(out, t, I3, "cbc:HolderName", card.holder_name)
                out.append(f"{I2}</cac:CardAccount>")
            if account is not None:
                leaf(out, t, I3, "cbc:ID", account.account_id, f"{I2}<cac:PayeeFinancialAccount>")
                opt(out, t, I3, "cbc:Name", account.account_name)
                if account.service_provider_id is not None:
                    leaf(
                        out,
                        t,
                        I4,
                        "cbc:ID",
                        account.service_provider_id,
                        f"{I3}<cac:FinancialInstitutionBranch>",
                    )
                    out.append(f"{I3}</cac:FinancialInstitutionBranch>")
                out.append(f"{I2}</cac:PayeeFinancialAccount>")
            debit = means.direct_debit if index == 0 else None
            if debit is not None and (
                debit.mandate_reference is not None or debit.debited_account_id is not None
            ):
                out.append(f"{I2}<cac:PaymentMandate>")
                opt(out, t, I3, "cbc:ID", debit.mandate_reference)
                if debit.debited_account_id is not None:
                    leaf(out, t, I4, "cbc:ID", debit.debited_account_id, f"{I3}<cac:PayerFinancialAccount>")
                    out.append(f"{I3}</cac:PayerFinancialAccount>")
                out.append(f"{I2}</cac:PaymentMandate>")
            out.append(f"{I1}</cac:PaymentMeans>")
            first = False


def _taxes_and_totals(invoice: Invoice, out: list[str], t: list[str]) -> None:
    currency, totals = invoice.currency, invoice.totals
    start = len(out)
    out.append(f"{I1}<cac:TaxTotal>")
    money(out, t, I2, "cbc:TaxAmount", totals.vat_total, currency)
    for entry in invoice.vat_breakdown:
        out.append(f"{I2}<cac:TaxSubtotal>")
        money(out, t, I3, "cbc:TaxableAmount", entry.taxable_amount, currency)
        money(out, t, I3, "cbc:TaxAmount", entry.tax_amount, currency)
        leaf(out, t, I4, "cbc:ID", entry.category, f"{I3}<cac:TaxCategory>")
        if entry.rate is not None:
            leaf(out, t, I4, "cbc:Percent", num(entry.rate))
        opt(out, t, I4, "cbc:TaxExemptionReasonCode", entry.exemption_reason_code)
        opt(out, t, I4, "cbc:TaxExemptionReason", entry.exemption_reason)
        out.append(f"{I4}<cac:TaxScheme>{I5}<cbc:ID>VAT</cbc:ID>{I4}</cac:TaxScheme>{I3}</cac:TaxCategory>")
        out.append(f"{I2}</cac:TaxSubtotal>")
    close(out, start, I1, "cac:TaxTotal")
    accounting = invoice.vat_accounting_currency
    if accounting is not None and accounting != currency:
        start = len(out)
        out.append(f"{I1}<cac:TaxTotal>")
        money(out, t, I2, "cbc:TaxAmount", totals.vat_total_accounting, accounting)
        close(out, start, I1, "cac:TaxTotal")
    start = len(out)
    out.append(f"{I1}<cac:LegalMonetaryTotal>")
    money(out, t, I2, "cbc:LineExtensionAmount", totals.line_net_total, currency)
    money(out, t, I2, "cbc:TaxExclusiveAmount", totals.tax_exclusive_amount, currency)
    money(out, t, I2, "cbc:TaxInclusiveAmount", totals.tax_inclusive_amount, currency)
    money(out, t, I2, "cbc:AllowanceTotalAmount", totals.allowance_total, currency)
    money(out, t, I2, "cbc:ChargeTotalAmount", totals.charge_total, currency)
    money(out, t, I2, "cbc:PrepaidAmount", totals.prepaid_amount, currency)
    money(out, t, I2, "cbc:PayableRoundingAmount", totals.rounding_amount, currency)
    money(out, t, I2, "cbc:PayableAmount", totals.payable_amount, currency)
    close(out, start, I1, "cac:LegalMonetaryTotal")

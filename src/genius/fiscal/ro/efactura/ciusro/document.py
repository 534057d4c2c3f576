"""CIUS-RO / EN 16931 checks of the document: header, references, notes, payment, VAT reasons, lines."""

from __future__ import annotations

import re

from genius.fiscal.ro.efactura.ciusro.codes import (
    ALLOWED_TAX_POINT_DATE_CODES,
    ALLOWED_TYPE_CODES,
    EXEMPT_RULES,
    MAX_ATTACHMENTS,
    MAX_ITEM_ATTRIBUTES,
    MAX_NOTES,
    MAX_PRECEDING_INVOICES,
    NOT_EXEMPT_RULES,
)
from genius.fiscal.ro.efactura.ciusro.problems import Problems, blank
from genius.fiscal.ro.efactura.model import Invoice


def check_header(problems: Problems, invoice: Invoice) -> None:
    problems.max_len(invoice.number, "number", 200, "BR-RO-L155")
    if not re.search(r"[0-9]", invoice.number):
        problems.add("number", "BR-RO-010", "the invoice number must contain at least one digit")
    allowed = ALLOWED_TYPE_CODES[invoice.document_kind]
    if invoice.type_code not in allowed:
        problems.add(
            "type_code",
            "BR-RO-020",
            f"a {invoice.document_kind.value} takes type code "
            f"{' or '.join(sorted(allowed))}, got {invoice.type_code!r}",
        )
    if invoice.currency != "RON" and invoice.vat_accounting_currency not in (None, "RON"):
        problems.add(
            "vat_accounting_currency",
            "BR-RO-030",
            f"must be RON when the invoice currency is {invoice.currency}",
        )
    if (
        invoice.tax_point_date_code is not None
        and invoice.tax_point_date_code not in ALLOWED_TAX_POINT_DATE_CODES
    ):
        problems.add(
            "tax_point_date_code", "BR-RO-040", f"must be 3, 35 or 432, got {invoice.tax_point_date_code!r}"
        )
    if invoice.tax_point_date is not None and invoice.tax_point_date_code is not None:
        problems.add(
            "tax_point_date_code", "BR-CO-03", "give the tax point date (BT-7) or its code (BT-8), not both"
        )
    for name, rule in (
        ("contract_reference", "BR-RO-L0302"),
        ("purchase_order_reference", "BR-RO-L0303"),
        ("sales_order_reference", "BR-RO-L0304"),
        ("receiving_advice_reference", "BR-RO-L0305"),
        ("despatch_advice_reference", "BR-RO-L0306"),
        ("tender_or_lot_reference", "BR-RO-L0307"),
    ):
        problems.max_len(getattr(invoice, name), name, 200, rule)
    if invoice.invoiced_object_id is not None:
        problems.max_len(invoice.invoiced_object_id.value, "invoiced_object_id.value", 200, "BR-RO-L0308")
    problems.max_len(invoice.buyer_accounting_reference, "buyer_accounting_reference", 100, "BR-RO-L1001")
    problems.max_len(invoice.payment_terms, "payment_terms", 300, "BR-RO-L301")
    problems.max_count(invoice.notes, "notes", MAX_NOTES, "BR-RO-A020")
    for index, note in enumerate(invoice.notes):
        problems.max_len(note.text, f"notes[{index}].text", 300, "BR-RO-L302")
    problems.max_count(invoice.preceding_invoices, "preceding_invoices", MAX_PRECEDING_INVOICES, "BR-RO-A500")
    for index, ref in enumerate(invoice.preceding_invoices):
        problems.max_len(ref.number, f"preceding_invoices[{index}].number", 200, "BR-RO-L156")
    payable = invoice.totals.payable_amount
    if payable is not None and payable > 0 and invoice.due_date is None and blank(invoice.payment_terms):
        # ANAF's bundled EN 16931 rules still enforce BR-CO-25.
        problems.add(
            "due_date", "BR-CO-25", "an invoice with an amount due needs a due date or payment terms"
        )


def check_payment(problems: Problems, invoice: Invoice) -> None:
    for index, means in enumerate(invoice.payment_instructions):
        path = f"payment_instructions[{index}]"
        problems.max_len(means.means_text, f"{path}.means_text", 100, "BR-RO-L1016")
        problems.max_len(means.remittance_information, f"{path}.remittance_information", 140, "BR-RO-L140")
        for account_index, account in enumerate(means.credit_transfers):
            problems.max_len(
                account.account_name,
                f"{path}.credit_transfers[{account_index}].account_name",
                200,
                "BR-RO-L208",
            )
        if means.card is not None:
            problems.max_len(means.card.holder_name, f"{path}.card.holder_name", 200, "BR-RO-L209")
    # EN 16931 has one BG-16 per invoice; UBL-SR-44/46/47/54/55 hold the UBL blocks to that.
    instructions = invoice.payment_instructions
    for attr, rule, what in (
        ("means_code", "UBL-SR-47", "payment means code (BT-81)"),
        ("means_text", "UBL-SR-46", "payment means text (BT-82)"),
        ("remittance_information", "UBL-SR-44", "remittance information (BT-83)"),
    ):
        distinct = {getattr(m, attr) for m in instructions if getattr(m, attr) is not None}
        if len(distinct) > 1:
            problems.add(
                f"payment_instructions[1].{attr}", rule, f"an invoice has one {what}, got {len(distinct)}"
            )
    if sum(m.card is not None for m in instructions) > 1:
        problems.add("payment_instructions", "UBL-SR-54", "an invoice has at most one payment card (BG-18)")
    if sum(m.direct_debit is not None for m in instructions) > 1:
        problems.add("payment_instructions", "UBL-SR-55", "an invoice has at most one direct debit (BG-19)")
    if invoice.is_credit_note and invoice.due_date is not None and not invoice.payment_instructions:
        # UBL CreditNote has no DueDate: BT-9 travels as PaymentMeans/PaymentDueDate.
        problems.add(
            "due_date",
            "UBL-CreditNote",
            "a credit note carries its due date inside a payment "
            "instruction; add payment_instructions or use payment_terms",
        )


def check_allowances_and_vat(problems: Problems, invoice: Invoice) -> None:
    for kind, items, rule in (
        ("allowances", invoice.allowances, "BR-RO-L1017"),
        ("charges", invoice.charges, "BR-RO-L1018"),
    ):
        for index, item in enumerate(items):
            problems.max_len(item.reason, f"{kind}[{index}].reason", 100, rule)
            problems.max_len(item.reason_code, f"{kind}[{index}].reason_code", 100, rule)
    for index, entry in enumerate(invoice.vat_breakdown):
        path = f"vat_breakdown[{index}]"
        problems.max_len(entry.exemption_reason, f"{path}.exemption_reason", 100, "BR-RO-L1019")
        has_reason = not blank(entry.exemption_reason) or not blank(entry.exemption_reason_code)
        if entry.category in EXEMPT_RULES and not has_reason:
            problems.add(
                path,
                EXEMPT_RULES[entry.category],
                f"category {entry.category} needs an exemption reason text or VATEX code",
            )
        if entry.category in NOT_EXEMPT_RULES and has_reason:
            problems.add(
                path, NOT_EXEMPT_RULES[entry.category], f"category {entry.category} takes no exemption reason"
            )
    problems.max_count(invoice.attachments, "attachments", MAX_ATTACHMENTS, "BR-RO-A051")
    for index, attachment in enumerate(invoice.attachments):
        path = f"attachments[{index}]"
        problems.max_len(attachment.reference, f"{path}.reference", 200, "BR-RO-L0308")
        problems.max_len(attachment.description, f"{path}.description", 100, "BR-RO-L1020")
        problems.max_len(attachment.external_uri, f"{path}.external_uri", 200, "BR-RO-L210")
        problems.max_len(attachment.filename, f"{path}.filename", 200, "BR-RO-L211")


def check_lines(problems: Problems, invoice: Invoice) -> None:
    for index, line in enumerate(invoice.lines):
        path = f"lines[{index}]"
        problems.max_len(line.note, f"{path}.note", 300, "BR-RO-L303")
        problems.max_len(line.accounting_reference, f"{path}.accounting_reference", 100, "BR-RO-L1021")
        problems.max_len(line.item.name, f"{path}.item.name", 100, "BR-RO-L1024")
        problems.max_len(line.item.description, f"{path}.item.description", 200, "BR-RO-L212")
        problems.max_count(line.item.attributes, f"{path}.item.attributes", MAX_ITEM_ATTRIBUTES, "BR-RO-A052")
        for attr_index, attribute in enumerate(line.item.attributes):
            attr_path = f"{path}.item.attributes[{attr_index}]"
            problems.max_len(attribute.name, f"{attr_path}.name", 50, "BR-RO-L0505")
            problems.max_len(attribute.value, f"{attr_path}.value", 100, "BR-RO-L1025")
        for kind, items, rule in (
            ("allowances", line.allowances, "BR-RO-L1022"),
            ("charges", line.charges, "BR-RO-L1023"),
        ):
            for item_index, item in enumerate(items):
                problems.max_len(item.reason, f"{path}.{kind}[{item_index}].reason", 100, rule)
        if line.item.standard_id is not None and blank(line.item.standard_id.scheme):
            problems.add(
                f"{path}.item.standard_id.scheme", "BR-64", "an item standard identifier needs its scheme"
            )
        for class_index, classification in enumerate(line.item.classifications):
            if blank(classification.list_id):
                problems.add(
                    f"{path}.item.classifications[{class_index}].list_id",
                    "BR-65",
                    "an item classification needs its list id (e.g. STI for CPV)",
                )

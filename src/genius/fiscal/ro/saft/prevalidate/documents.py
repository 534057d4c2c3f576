"""Checks of SourceDocuments: invoice and payment dates, accounts, partners, tax codes; the VAT the
invoices declare by tax code is summed for the comparison with the VAT accounts."""

from __future__ import annotations

from collections.abc import Iterable

from genius.fiscal.ro.saft.model.common import Side
from genius.fiscal.ro.saft.model.documents import Invoice, Payment
from genius.fiscal.ro.saft.partners import PAYMENT_METHODS, PartnerRole, check_partner_id, payment_mechanisms
from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity
from genius.fiscal.ro.saft.prevalidate.masters import check_account_id
from genius.fiscal.ro.saft.prevalidate.taxes import check_tax
from genius.fiscal.ro.saft.taxcodes import TaxCategory


def check_invoices(ctx: Context, invoices: Iterable[Invoice], *, sales: bool, bank: bool) -> None:
    add = ctx.findings.add
    role = PartnerRole.CUSTOMER if sales else PartnerRole.SUPPLIER
    known = ctx.customers if sales else ctx.suppliers
    for invoice in invoices:
        iid = invoice.invoice_no
        ctx.vat_declared_seen = True
        if not ctx.in_period(invoice.invoice_date):
            add(
                "ENTRY_OUTSIDE_PERIOD",
                Severity.ERROR if sales else Severity.WARNING,
                EntityKind.INVOICE,
                iid,
                f"Factura {iid} are data {invoice.invoice_date}, în afara perioadei declarate "
                f"({ctx.period_start} - {ctx.period_end})"
                + (
                    "; facturile emise se raportează în perioada emiterii."
                    if sales
                    else "; verificați că e o factură primită întârziat și înregistrată în această perioadă."
                ),
                f"Invoice {iid} is dated {invoice.invoice_date}, outside the declared period "
                f"({ctx.period_start} - {ctx.period_end})"
                + (
                    "; issued invoices belong to the period they were issued in."
                    if sales
                    else "; check it is a late-received invoice booked in this period."
                ),
                "InvoiceDate",
            )
        problem = check_partner_id(invoice.partner_id, role, bank=bank)
        if problem is not None:
            add(
                "PARTNER_ID_INVALID",
                Severity.ERROR,
                EntityKind.INVOICE,
                iid,
                f"Codul partenerului de pe factura {iid} ({invoice.partner_id!r}) nu respectă regulile ANAF: "
                f"{problem}.",
                f"The partner code on invoice {iid} ({invoice.partner_id!r}) breaks ANAF's rules: {problem}.",
                "CustomerID" if sales else "SupplierID",
            )
        elif known and invoice.partner_id not in known:
            add(
                "PARTNER_UNKNOWN",
                Severity.WARNING,
                EntityKind.INVOICE,
                iid,
                f"Partenerul {invoice.partner_id} al facturii {iid} lipsește din "
                f"{'Customers' if sales else 'Suppliers'}.",
                f"Partner {invoice.partner_id} of invoice {iid} is missing from "
                f"{'Customers' if sales else 'Suppliers'}.",
                "CustomerID" if sales else "SupplierID",
            )
        expected = "411" if sales else "40"
        if not invoice.account_id.startswith(expected):
            add(
                "INVOICE_ACCOUNT",
                Severity.WARNING,
                EntityKind.INVOICE,
                iid,
                f"Contul facturii {iid} este {invoice.account_id}; ANAF cere contul analitic de "
                f"{'clienți (411x)' if sales else 'furnizori (40x)'} pe care s-a înregistrat factura.",
                f"Invoice {iid} names account {invoice.account_id}; ANAF wants the "
                f"{'customer (411x)' if sales else 'supplier (40x)'} analytic account the invoice was "
                "booked on.",
                "AccountID",
            )
        check_account_id(ctx, invoice.account_id, EntityKind.INVOICE, iid)
        for line in invoice.lines:
            check_account_id(ctx, line.account_id, EntityKind.INVOICE, iid)
            ctx.check_amount(line.amount, EntityKind.INVOICE, iid, "InvoiceLine.InvoiceLineAmount")
            # Lines' signs follow their indicator: C on sales, D on purchases (returns flip it).
            sign = 1 if (line.side is Side.CREDIT) == sales else -1
            for tax in line.tax:
                code = check_tax(ctx, tax, line.tax_point_date, EntityKind.INVOICE, iid, in_ledger=False)
                if code is None:
                    continue
                value = sign * tax.amount.amount
                if sales and code.category is TaxCategory.SALE:
                    ctx.vat_collected_declared += value
                elif not sales and code.category is TaxCategory.PURCHASE_REVERSE_CHARGE:
                    ctx.vat_collected_declared += value
                    ctx.vat_deductible_declared += value
                elif not sales and code.category is TaxCategory.PURCHASE:
                    ctx.vat_deductible_declared += value


def check_payments(ctx: Context, payments: Iterable[Payment]) -> None:
    add = ctx.findings.add
    mechanisms = payment_mechanisms()
    for payment in payments:
        pid = payment.payment_ref_no
        if not ctx.in_period(payment.transaction_date):
            add(
                "ENTRY_OUTSIDE_PERIOD",
                Severity.ERROR,
                EntityKind.PAYMENT,
                pid,
                f"Plata {pid} din {payment.transaction_date} este în afara perioadei declarate "
                f"({ctx.period_start} - {ctx.period_end}).",
                f"Payment {pid} of {payment.transaction_date} is outside the declared period "
                f"({ctx.period_start} - {ctx.period_end}).",
                "TransactionDate",
            )
        if payment.payment_method not in PAYMENT_METHODS:
            add(
                "PAYMENT_METHOD_INVALID",
                Severity.ERROR,
                EntityKind.PAYMENT,
                pid,
                f"Metoda de plată {payment.payment_method!r} nu există; folosiți 01 numerar, 02 compensare, "
                "03 fără numerar, 98 definit de comun acord sau 99 nedefinit.",
                f"Payment method {payment.payment_method!r} does not exist; use 01 cash, 02 offset, 03 "
                "non-cash, "
                "98 mutually defined or 99 undefined.",
                "PaymentMethod",
            )
        mechanism = payment.settlement.payment_mechanism if payment.settlement else None
        if mechanism is not None:
            allowed = mechanisms.get(mechanism)
            if allowed is None or allowed != payment.payment_method:
                add(
                    "PAYMENT_MECHANISM_MISMATCH",
                    Severity.ERROR,
                    EntityKind.PAYMENT,
                    pid,
                    f"Mecanismul de plată {mechanism} nu se potrivește cu metoda {payment.payment_method}"
                    + (f" (DUK acceptă doar metoda {allowed})." if allowed else " (mecanism necunoscut)."),
                    f"Payment mechanism {mechanism} does not go with method {payment.payment_method}"
                    + (f" (DUK accepts only method {allowed})." if allowed else " (unknown mechanism)."),
                    "PaymentMechanism",
                )
        for line in payment.lines:
            check_account_id(ctx, line.account_id, EntityKind.PAYMENT, pid)
            ctx.check_amount(line.amount, EntityKind.PAYMENT, pid, "PaymentLine.PaymentLineAmount")
            if line.customer_id == "0" and line.supplier_id == "0":
                add(
                    "PARTNER_ID_ZERO",
                    Severity.ERROR,
                    EntityKind.PAYMENT,
                    pid,
                    "CustomerID și SupplierID sunt amândouă „0” pe o linie de plată; completați partenerul.",
                    'CustomerID and SupplierID are both "0" on a payment line; give the partner.',
                    "CustomerID",
                )
            if any(tax.tax_type != "000" for tax in line.tax):
                add(
                    "PAYMENT_TAX_NOT_NONE",
                    Severity.WARNING,
                    EntityKind.PAYMENT,
                    pid,
                    "Pe liniile de plată ANAF cere TaxType 000 și TaxCode 000000 (regula S.TI.1).",
                    "ANAF wants TaxType 000 and TaxCode 000000 on payment lines (rule S.TI.1).",
                    "TaxInformation",
                )

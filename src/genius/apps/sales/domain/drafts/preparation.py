"""A draft prepared for issuing: expanded, parsed, checked (codes, VAT, IBANs) and computed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.sales.domain.drafts.expansion import ExpansionContext, expand_collecting
from genius.apps.sales.domain.drafts.refs import IBAN_MEANS, RON
from genius.apps.sales.domain.identifiers import check_iban
from genius.apps.sales.domain.invoices import Totals
from genius.apps.sales.domain.products import valid_currency, valid_unit
from genius.fiscal.ro.efactura import JsonFormError, compute, invoice_from_dict
from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.vat import category_rate_problems
from genius.kernel.errors import ProblemCollector


@dataclass(frozen=True)
class PreparedDocument:
    """A draft expanded, parsed and computed: ready to check against CIUS-RO and write as UBL."""

    invoice: Invoice  # computed (every derivable amount filled)
    tax_point_date: date
    rate_date: date
    totals: Totals
    exchange_rate: Decimal | None


def prepare(document: Mapping[str, Any], ctx: ExpansionContext) -> PreparedDocument:
    """Expand, parse, check (codes, VAT, IBANs, exchange rate) and compute a draft."""
    problems = ProblemCollector()
    expanded, tax_point, rate_date = expand_collecting(document, ctx, problems)
    if any(p.code == "not_found" for p in problems.problems):
        problems.raise_if_any("invalid draft")  # references first: the rest is judged once they resolve
    try:
        model = invoice_from_dict(expanded)  # JsonFormError names every malformed key with its path
    except JsonFormError as exc:
        problems.problems.extend(exc.problems)
        problems.raise_if_any("invalid draft")
        raise
    _check_codes(model, problems)
    _check_vat(model, rate_date, problems)
    _check_payments(model, problems)
    rate = model.vat_exchange_rate
    if model.currency != RON and valid_currency(model.currency):
        if rate is None and (model.totals is None or model.totals.vat_total_accounting is None):
            problems.add(
                "vat_exchange_rate",
                f"required for a document in {model.currency}: the RON value of one {model.currency}"
                " (BNR rate), for the VAT total in RON (BT-111, BR-RO-030)",
                "required",
            )
        elif rate is not None and rate <= 0:
            problems.add("vat_exchange_rate", "must be above 0", "out_of_range")
    problems.raise_if_any("invalid draft")
    computed = compute(model)  # CalculationMismatch names each given amount that disagrees
    return PreparedDocument(
        computed, tax_point, rate_date, Totals.of(computed), rate if model.currency != RON else None
    )


def _check_codes(model: Invoice, problems: ProblemCollector) -> None:
    if not valid_currency(model.currency):
        problems.add(
            "currency", f"{model.currency!r} is not an ISO 4217 currency code (BR-CL-04)", "BR-CL-04"
        )
    for index, line in enumerate(model.lines):
        if not valid_unit(line.unit_code):
            problems.add(
                f"lines[{index}].unit_code",
                f"{line.unit_code!r} is not a UN/ECE Recommendation 20/21 unit code (BR-CL-23)",
                "BR-CL-23",
            )


def _check_vat(model: Invoice, rate_date: date, problems: ProblemCollector) -> None:
    for index, line in enumerate(model.lines):
        problems.problems.extend(
            category_rate_problems(
                line.item.vat_category, line.item.vat_rate, rate_date, f"lines[{index}].item"
            )
        )
    for name, suffix, items in (("allowances", "06", model.allowances), ("charges", "07", model.charges)):
        for index, item in enumerate(items):
            problems.problems.extend(
                category_rate_problems(
                    item.vat_category, item.vat_rate, rate_date, f"{name}[{index}]", suffix
                )
            )


def _check_payments(model: Invoice, problems: ProblemCollector) -> None:
    for i, instructions in enumerate(model.payment_instructions):
        if instructions.means_code not in IBAN_MEANS:
            continue
        for j, transfer in enumerate(instructions.credit_transfers):
            check_iban(
                problems, f"payment_instructions[{i}].credit_transfers[{j}].account_id", transfer.account_id
            )


def renumbered(prepared: PreparedDocument, placeholder: str, number: str) -> PreparedDocument:
    """The prepared document under its real number (BT-1), also as payment reference where the
    placeholder stood (BT-83): the number is taken last, under the series lock."""
    invoice = prepared.invoice
    instructions = [
        replace(p, remittance_information=number) if p.remittance_information == placeholder else p
        for p in invoice.payment_instructions
    ]
    return replace(prepared, invoice=replace(invoice, number=number, payment_instructions=instructions))

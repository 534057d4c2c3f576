"""Draft documents in the e-Factura JSON form, and their expansion into the full invoice.

A draft is the engine's JSON form (docs/efactura-json.md) with a few things the server fills:

- no ``seller``: the seller is the tenant's company profile (BG-4);
- ``buyer`` may be ``{"partner_id": "..."}`` (other buyer keys override the partner's values);
- a line may name ``product_id`` and give only ``id`` and ``quantity``: unit, price, item name,
  VAT category and rate come from the product; keys the line gives win;
- an item may give ``vat_rate_kind`` (standard, reduced, ...) instead of ``vat_rate``;
- no ``number`` (assigned when issued); ``issue_date`` optional (the issuing day when absent);
- ``series_id`` picks the numbering series (else the default one of the document type);
- a credit note names ``corrects_invoice_id``; its BG-3 reference, type code 381, buyer and
  currency come from that invoice, and its rates from that invoice's tax point (a correction
  keeps the original VAT rate, RO-ACCOUNTING.md section 2).

VAT rates follow the tax point (BT-7, else the issue date; for a credit note the corrected
invoice's), so a back-dated invoice gets the rate of its own date.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from genius.apps.sales.domain.company import VAT_ON_COLLECTION_NOTE, CompanyProfile
from genius.apps.sales.domain.identifiers import check_iban
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, Totals
from genius.apps.sales.domain.partners import Partner
from genius.apps.sales.domain.products import Product, valid_currency, valid_unit
from genius.fiscal.ro.efactura import JsonFormError, compute, invoice_from_dict
from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.vat import VatRuleError, category_rate_problems, parse_kind, rate_for
from genius.kernel.errors import ProblemCollector, ValidationError

RON = "RON"
INVOICE_TYPE_CODES = frozenset({"380", "384", "751"})  # CIUS-RO BR-RO-020 minus self-billing (389)
CREDIT_NOTE_TYPE_CODE = "381"
# Payment means that pay into an account identified by an IBAN (UNTDID 4461).
IBAN_MEANS = frozenset({"30", "31", "42", "58"})
# Keys of the JSON form the server owns; the message says where the value comes from instead.
SERVER_OWNED = {
    "number": "assigned when the document is issued, from its series",
    "seller": "the seller is the company profile (PUT /api/v1/sales/company)",
    "specification_id": "always CIUS-RO's identifier",
}
PLACEHOLDER_NUMBER = "0"  # a draft is checked with this number; it is never stored


@dataclass(frozen=True)
class DraftRefs:
    """The server-side references a draft names (each id still to be looked up)."""

    series_id: str | None
    partner_id: str | None
    product_ids: tuple[str, ...]
    corrects_invoice_id: str | None
    issue_date: date | None


def _ref(problems: ProblemCollector, path: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        problems.add(path, "an id as a string", "wrong_type")
        return None
    return value.strip()


def read_refs(document: Any, document_type: DocumentType) -> DraftRefs:
    """The references of a draft; refuses server-owned keys and malformed references."""
    if not isinstance(document, Mapping):
        raise ValidationError.for_field(
            "$", "the draft is a JSON object in the e-Factura JSON form", "wrong_type"
        )
    problems = ProblemCollector()
    for key, why in SERVER_OWNED.items():
        if key in document:
            problems.add(key, f"leave it out: {why}", "server_owned")
    kind = document.get("document_kind")
    expected = "CreditNote" if document_type == DocumentType.CREDIT_NOTE else "Invoice"
    if kind is not None and kind != expected:
        problems.add("document_kind", f"this endpoint makes a {expected}", "bad_value")
    corrects = _ref(problems, "corrects_invoice_id", document.get("corrects_invoice_id"))
    if document_type == DocumentType.CREDIT_NOTE and document.get("corrects_invoice_id") is None:
        problems.add(
            "corrects_invoice_id",
            "required: the id of the issued invoice this credit note corrects",
            "required",
        )
    if document_type == DocumentType.INVOICE and "corrects_invoice_id" in document:
        problems.add("corrects_invoice_id", "only a credit note corrects an invoice", "not_for_kind")
    buyer = document.get("buyer")
    partner_id = (
        _ref(problems, "buyer.partner_id", buyer.get("partner_id")) if isinstance(buyer, Mapping) else None
    )
    products: list[str] = []
    lines = document.get("lines")
    if isinstance(lines, list):
        for index, line in enumerate(lines):
            if isinstance(line, Mapping) and "product_id" in line:
                product_id = _ref(problems, f"lines[{index}].product_id", line["product_id"])
                if product_id:
                    products.append(product_id)
    issue_date = None
    if document.get("issue_date") is not None:
        try:
            issue_date = date.fromisoformat(str(document["issue_date"]))
        except ValueError:
            problems.add("issue_date", "a date YYYY-MM-DD", "bad_date")
    problems.raise_if_any("invalid draft")
    return DraftRefs(
        series_id=_ref(problems, "series_id", document.get("series_id")),
        partner_id=partner_id,
        product_ids=tuple(dict.fromkeys(products)),
        corrects_invoice_id=corrects,
        issue_date=issue_date,
    )


@dataclass(frozen=True)
class ExpansionContext:
    """Everything a draft's references resolved to, plus the number and date it is issued with."""

    document_type: DocumentType
    seller: CompanyProfile
    issue_date: date
    number: str = PLACEHOLDER_NUMBER
    buyer: Partner | None = None
    products: Mapping[str, Product] = field(default_factory=dict)
    corrected: CorrectedInvoice | None = None
    # RON per unit of a foreign currency: BNR's rate for the tax point (Codul fiscal art. 290),
    # looked up by the handler; used only when the draft gives neither a rate nor BT-111.
    exchange_rate: Decimal | None = None


@dataclass(frozen=True)
class PreparedDocument:
    """A draft expanded, parsed and computed: ready to check against CIUS-RO and write as UBL."""

    invoice: Invoice  # computed (every derivable amount filled)
    tax_point_date: date
    rate_date: date
    totals: Totals
    exchange_rate: Decimal | None


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``; nested objects merge, everything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None  # the JSON-form loader reports it with its path


def expand(document: Mapping[str, Any], ctx: ExpansionContext) -> tuple[dict[str, Any], date, date]:
    """(the full JSON form, its tax point date, the date its VAT rates are taken on)."""
    problems = ProblemCollector()
    doc, tax_point, rate_date = _expand(document, ctx, problems)
    problems.raise_if_any("invalid draft")
    return doc, tax_point, rate_date


def _expand(
    document: Mapping[str, Any], ctx: ExpansionContext, problems: ProblemCollector
) -> tuple[dict[str, Any], date, date]:
    doc = {k: copy.deepcopy(v) for k, v in document.items() if k not in ("series_id", "corrects_invoice_id")}
    doc["number"] = ctx.number
    doc["issue_date"] = (_date(doc.get("issue_date")) or ctx.issue_date).isoformat()
    issue_date = date.fromisoformat(doc["issue_date"])
    tax_point = _date(doc.get("tax_point_date")) or issue_date
    rate_date = ctx.corrected.tax_point_date if ctx.corrected is not None else tax_point
    doc["seller"] = ctx.seller.seller_party()
    _expand_buyer(doc, ctx, problems)
    if ctx.document_type == DocumentType.CREDIT_NOTE and ctx.corrected is not None:
        doc["document_kind"] = "CreditNote"
        doc.setdefault("type_code", CREDIT_NOTE_TYPE_CODE)
        doc.setdefault("currency", ctx.corrected.currency)
        if ctx.corrected.exchange_rate is not None and doc.get("currency") != RON:
            doc.setdefault("vat_exchange_rate", f"{ctx.corrected.exchange_rate:f}")
        doc.setdefault(
            "preceding_invoices",
            [{"number": ctx.corrected.number, "issue_date": ctx.corrected.issue_date.isoformat()}],
        )
    else:
        doc["document_kind"] = "Invoice"
    totals = doc.get("totals")
    given_ron_vat = isinstance(totals, Mapping) and totals.get("vat_total_accounting") is not None
    if ctx.exchange_rate is not None and doc.get("currency") not in (None, RON) and not given_ron_vat:
        doc.setdefault("vat_exchange_rate", f"{ctx.exchange_rate:f}")
    _check_type_code(doc, ctx.document_type, problems)
    lines = doc.get("lines")
    if isinstance(lines, list):
        doc["lines"] = [
            _expand_line(line, i, ctx, rate_date, doc.get("currency"), problems)
            for i, line in enumerate(lines)
        ]
        _exemption_reasons(doc, document.get("lines") or [], ctx, problems)
    _payment_defaults(doc, ctx, issue_date)
    if ctx.seller.vat_on_collection:
        notes = doc.setdefault("notes", [])
        if isinstance(notes, list) and not any(
            isinstance(n, Mapping) and n.get("text") == VAT_ON_COLLECTION_NOTE for n in notes
        ):
            notes.append({"text": VAT_ON_COLLECTION_NOTE})
    return doc, tax_point, rate_date


def _expand_buyer(doc: dict[str, Any], ctx: ExpansionContext, problems: ProblemCollector) -> None:
    buyer = doc.get("buyer")
    if isinstance(buyer, Mapping) and "partner_id" in buyer:
        if ctx.buyer is None:
            problems.add(
                "buyer.partner_id", f"no partner {buyer['partner_id']!r} in this tenant", "not_found"
            )
            return
        overrides = {k: v for k, v in buyer.items() if k != "partner_id"}
        doc["buyer"] = _merge(ctx.buyer.buyer_party(), overrides)
    elif buyer is None and ctx.buyer is not None:
        doc["buyer"] = ctx.buyer.buyer_party()  # a credit note defaults to the corrected invoice's partner


def _check_type_code(doc: dict[str, Any], document_type: DocumentType, problems: ProblemCollector) -> None:
    code = doc.get("type_code")
    if code is None:
        return
    allowed = {CREDIT_NOTE_TYPE_CODE} if document_type == DocumentType.CREDIT_NOTE else INVOICE_TYPE_CODES
    if code not in allowed:
        problems.add(
            "type_code",
            f"{code!r}: this endpoint issues type {', '.join(sorted(allowed))} (BR-RO-020)",
            "BR-RO-020",
        )


def _expand_line(
    line: Any, index: int, ctx: ExpansionContext, rate_date: date, currency: Any, problems: ProblemCollector
) -> Any:
    if not isinstance(line, Mapping):
        return line  # the loader names the wrong type
    path = f"lines[{index}]"
    overrides = {k: v for k, v in line.items() if k != "product_id"}
    if "product_id" in line:
        product = ctx.products.get(str(line["product_id"]))
        if product is None:
            problems.add(
                f"{path}.product_id", f"no product {line['product_id']!r} in this tenant", "not_found"
            )
            return overrides
        try:
            base: dict[str, Any] = {"unit_code": product.unit_code, "item": product.item(rate_date)}
        except VatRuleError as exc:
            for p in exc.problems:
                problems.add(f"{path}.item.vat_rate_kind", p.message, p.code)
            return overrides
        given_price = isinstance(line.get("price"), Mapping) and "net_price" in line["price"]
        if not given_price:
            if product.price is None:
                problems.add(
                    f"{path}.price.net_price", f"product {product.code} has no price: give one", "required"
                )
            elif isinstance(currency, str) and valid_currency(currency) and product.currency != currency:
                problems.add(
                    f"{path}.price.net_price",
                    f"product {product.code} is priced in {product.currency}, the document is in {currency}:"
                    " give the price",
                    "currency_mismatch",
                )
            else:
                base["price"] = {"net_price": f"{product.price:f}"}
        line = _merge(base, overrides)
    else:
        line = overrides
    item = line.get("item")
    if isinstance(item, Mapping) and "vat_rate_kind" in item:
        given_item = overrides.get("item") if isinstance(overrides.get("item"), Mapping) else {}
        item = dict(item)
        kind_text = item.pop("vat_rate_kind")
        if "vat_rate" in given_item:
            problems.add(
                f"{path}.item.vat_rate_kind", "give vat_rate or vat_rate_kind, not both", "conflicting"
            )
        else:
            try:
                item["vat_rate"] = (
                    f"{rate_for(parse_kind(str(kind_text), f'{path}.item.vat_rate_kind'), rate_date):f}"
                )
            except VatRuleError as exc:
                for p in exc.problems:
                    problems.add(f"{path}.item.vat_rate_kind", p.message, p.code)
        line = {**line, "item": item}
    return line


def _exemption_reasons(
    doc: dict[str, Any], raw_lines: list[Any], ctx: ExpansionContext, problems: ProblemCollector
) -> None:
    """Products' VATEX codes go to the VAT breakdown (BG-23): one reason per exempt category."""
    given = {b.get("category") for b in doc.get("vat_breakdown") or [] if isinstance(b, Mapping)}
    wanted: dict[str, set[tuple[str | None, str | None]]] = {}
    for raw in raw_lines:
        if not isinstance(raw, Mapping) or "product_id" not in raw:
            continue
        product = ctx.products.get(str(raw["product_id"]))
        item = raw.get("item") if isinstance(raw.get("item"), Mapping) else {}
        if product is None or "vat_category" in item or not (product.vatex_code or product.exemption_reason):
            continue
        wanted.setdefault(product.vat_category, set()).add((product.vatex_code, product.exemption_reason))
    for cat, reasons in wanted.items():
        if cat in given:
            continue
        if len(reasons) > 1:
            problems.add(
                "vat_breakdown",
                f"lines of category {cat} come from products with different exemption reasons;"
                f" an invoice has one per category (BG-23): give vat_breakdown for {cat}",
                f"BR-{'IC' if cat == 'K' else cat}-10",
            )
            continue
        code, reason = next(iter(reasons))
        entry: dict[str, Any] = {"category": cat}
        if cat != "O":
            entry["rate"] = "0"
        if code:
            entry["exemption_reason_code"] = code
        if reason:
            entry["exemption_reason"] = reason
        doc.setdefault("vat_breakdown", []).append(entry)


def _payment_defaults(doc: dict[str, Any], ctx: ExpansionContext, issue_date: date) -> None:
    if not doc.get("payment_instructions"):
        default = ctx.seller.default_payment_instructions(ctx.number)
        if default:
            doc["payment_instructions"] = default
    if doc.get("due_date") is None and not doc.get("payment_terms"):
        days = ctx.buyer.payment_term_days if ctx.buyer and ctx.buyer.payment_term_days is not None else None
        days = ctx.seller.payment_term_days if days is None else days
        doc["due_date"] = (issue_date + timedelta(days=days)).isoformat()


def prepare(document: Mapping[str, Any], ctx: ExpansionContext) -> PreparedDocument:
    """Expand, parse, check (codes, VAT, IBANs, exchange rate) and compute a draft."""
    problems = ProblemCollector()
    expanded, tax_point, rate_date = _expand(document, ctx, problems)
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

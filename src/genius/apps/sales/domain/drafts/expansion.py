"""A draft expanded into the full JSON form: seller, buyer, products, credit-note facts, defaults."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from genius.apps.sales.domain.company import VAT_ON_COLLECTION_NOTE, CompanyProfile
from genius.apps.sales.domain.drafts.refs import (
    CREDIT_NOTE_TYPE_CODE,
    INVOICE_TYPE_CODES,
    PLACEHOLDER_NUMBER,
    RON,
)
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType
from genius.apps.sales.domain.partners import Partner
from genius.apps.sales.domain.products import Product, valid_currency
from genius.fiscal.ro.vat import VatRuleError, parse_kind, rate_for
from genius.kernel.errors import ProblemCollector


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
    doc, tax_point, rate_date = expand_collecting(document, ctx, problems)
    problems.raise_if_any("invalid draft")
    return doc, tax_point, rate_date


def expand_collecting(
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

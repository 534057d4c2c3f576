"""Automatic postings: sales and purchase documents, settlements, exchange differences, VAT closing.

Pure builders of ``EntryDraft`` (RO-ACCOUNTING.md §2):

* sale:        4111 = 70x + 4427   (K / G / AE / E: 4111 = 70x, no VAT)
* credit note: the sale's entry in red (negative amounts, default) or in black (sides swapped)
* purchase:    6xx/3xx + 4426 = 401; reverse charge (intra-EU goods, EU services, art. 331):
               6xx/3xx = 401 and 4426 = 4427 for the self-assessed VAT
* receipt:     5121/5311 = 4111 (+ 7651 gain / 6651 loss against the booked value)
* payment:     401 = 5121/5311 (+ 6651 / 7651)
* FX revaluation of a currency item: item = 7651 (gain) or 6651 = item (loss)
* VAT closing: 4427 = 4426 up to the smaller balance, then 4427 = 4423 or 4424 = 4426

Foreign-currency documents are converted line by line at the document's rate (lei per unit,
rounded to bani); the VAT in lei is the document's own BT-111 and rounding differences are put
on the largest VAT line, and the receivable/payable line is the sum of the others, so an entry
always balances exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from genius.apps.accounting.domain.entries import ZERO, EntryDraft, Line, SourceDocument, VatTag, in_black
from genius.apps.accounting.domain.rules import CreditNoteMode, Flow, PostingRules
from genius.apps.accounting.domain.vat import VatTreatment, sale_treatment
from genius.kernel.errors import ValidationError
from genius.kernel.money import round_money

SALES_JOURNAL = "VZ"
PURCHASES_JOURNAL = "CP"
BANK_JOURNAL = "BA"
CASH_JOURNAL = "CS"
GENERAL_JOURNAL = "NC"


@dataclass(frozen=True)
class DocumentPart:
    """One VAT group of a document (or one line): net and VAT in the document currency."""

    net: Decimal
    vat: Decimal
    vat_category: str
    vat_rate: Decimal | None
    item_kind: str | None = None
    product_category: str | None = None
    treatment: VatTreatment | None = None  # purchases say it; sales derive it from the category


@dataclass(frozen=True)
class SalesDocument:
    source: SourceDocument
    issue_date: date
    partner_id: str | None
    receivable_account: str  # 4111 or the partner's analytic (4111.00023)
    currency: str
    exchange_rate: Decimal | None
    parts: tuple[DocumentPart, ...]
    vat_total_ron: Decimal | None  # BT-111; None for a RON document
    buyer_foreign: bool = False
    due_date: date | None = None
    credit_note: bool = False
    description: str = ""


@dataclass(frozen=True)
class PurchaseDocument:
    source: SourceDocument
    invoice_date: date
    partner_id: str | None
    payable_account: str  # 401 or the supplier's analytic (401.00007)
    currency: str
    exchange_rate: Decimal | None
    parts: tuple[DocumentPart, ...]
    due_date: date | None = None
    description: str = ""


@dataclass(frozen=True)
class Settlement:
    """A receipt from a customer or a payment to a supplier, through a bank or cash account.

    ``booked_amount``: the lei value at which the settled receivable/payable was booked (the
    invoice's rate); when it differs from ``amount`` (lei received or paid now), the difference
    is an exchange difference (665/765). Leave it None for a lei document. ``exchange_rate`` is the
    rate of the day (the treasury line's); the partner line carries ``booked_rate`` when given.
    """

    kind: str  # "receipt" or "payment"
    source: SourceDocument
    on: date
    partner_id: str | None
    partner_account: str  # 4111(.xxxxx) for a receipt, 401(.xxxxx) for a payment
    treasury_account: str  # 5121, 5124, 5311, 5314 or an analytic of them
    amount: Decimal
    currency: str = "RON"
    currency_amount: Decimal | None = None
    exchange_rate: Decimal | None = None
    booked_amount: Decimal | None = None
    booked_rate: Decimal | None = None  # the settled documents' rate, when they share one
    description: str = ""


def to_ron(
    amount: Decimal, currency: str, rate: Decimal | None, field_path: str = "exchange_rate"
) -> Decimal:
    if currency == "RON":
        return round_money(amount)
    if rate is None or rate <= 0:
        raise ValidationError.for_field(
            field_path, f"a {currency} document needs its exchange rate (lei per unit)"
        )
    return round_money(amount * rate)


def _currency(line: Line, currency: str, amount: Decimal, rate: Decimal | None) -> Line:
    if currency == "RON":
        return line
    return replace(line, currency=currency, currency_amount=amount, exchange_rate=rate)


def sale_entry(doc: SalesDocument, rules: PostingRules) -> EntryDraft:
    """4111 = 70x + 4427 (per VAT group); a credit note in red or in black per the settings."""
    settings = rules.settings
    lines: list[Line] = []
    vat_lines: list[int] = []
    for part in doc.parts:
        treatment = part.treatment or sale_treatment(part.vat_category, doc.buyer_foreign)
        account = rules.account_for(
            Flow.SALES,
            product_category=part.product_category,
            vat_category=part.vat_category,
            item_kind=part.item_kind,
        )
        net_ron = to_ron(part.net, doc.currency, doc.exchange_rate)
        lines.append(
            _currency(
                Line(account, credit=net_ron, vat=VatTag(treatment, part.vat_rate, "base")),
                doc.currency,
                part.net,
                doc.exchange_rate,
            )
        )
        if part.vat != 0:
            vat_ron = to_ron(part.vat, doc.currency, doc.exchange_rate)
            vat_lines.append(len(lines))
            lines.append(
                _currency(
                    Line(
                        settings.vat_collected_account,
                        credit=vat_ron,
                        vat=VatTag(treatment, part.vat_rate, "tax"),
                    ),
                    doc.currency,
                    part.vat,
                    doc.exchange_rate,
                )
            )
    if doc.currency != "RON" and doc.vat_total_ron is not None and vat_lines:
        # BT-111 is the VAT in lei the invoice states; per-group conversion may differ by bani.
        converted = sum((lines[i].credit for i in vat_lines), ZERO)
        delta = round_money(doc.vat_total_ron) - converted
        if delta:
            biggest = max(vat_lines, key=lambda i: lines[i].credit)
            lines[biggest] = replace(lines[biggest], credit=lines[biggest].credit + delta)
    total_ron = sum((line.credit for line in lines), ZERO)
    total_doc = sum((p.net + p.vat for p in doc.parts), ZERO)
    receivable = _currency(
        Line(doc.receivable_account, debit=total_ron, partner_id=doc.partner_id, due_date=doc.due_date),
        doc.currency,
        total_doc,
        doc.exchange_rate,
    )
    lines = [receivable, *(replace(line, partner_id=doc.partner_id) for line in lines)]
    kind = "Factură storno" if doc.credit_note else "Factură"
    description = doc.description or f"{kind} {doc.source.number}"
    draft = EntryDraft(SALES_JOURNAL, doc.issue_date, description, tuple(lines), source=doc.source)
    if not doc.credit_note:
        return draft
    if settings.credit_note_mode is CreditNoteMode.RED:
        return replace(draft, lines=tuple(line.negated() for line in draft.lines), storno=True)
    return replace(draft, lines=in_black(draft.lines))


def purchase_entry(doc: PurchaseDocument, rules: PostingRules) -> EntryDraft:
    """6xx/3xx + 4426 = 401; reverse charge: 6xx/3xx = 401 and 4426 = 4427."""
    settings = rules.settings
    lines: list[Line] = []
    payable_ron = ZERO
    payable_doc = ZERO
    for index, part in enumerate(doc.parts):
        treatment = part.treatment or VatTreatment.PURCHASE_STANDARD
        if treatment.is_sale:
            raise ValidationError.for_field(f"parts[{index}].treatment", f"{treatment} is a sales treatment")
        account = rules.account_for(
            Flow.PURCHASE,
            product_category=part.product_category,
            vat_category=part.vat_category,
            item_kind=part.item_kind,
        )
        net_ron = to_ron(part.net, doc.currency, doc.exchange_rate)
        lines.append(
            _currency(
                Line(account, debit=net_ron, vat=VatTag(treatment, part.vat_rate, "base")),
                doc.currency,
                part.net,
                doc.exchange_rate,
            )
        )
        payable_ron += net_ron
        payable_doc += part.net
        if part.vat == 0:
            continue
        vat_ron = to_ron(part.vat, doc.currency, doc.exchange_rate)
        tag = VatTag(treatment, part.vat_rate, "tax")
        lines.append(
            _currency(
                Line(settings.vat_deductible_account, debit=vat_ron, vat=tag),
                doc.currency,
                part.vat,
                doc.exchange_rate,
            )
        )
        if treatment.reverse_charge:
            # Self-assessed: the buyer collects it too; the supplier is owed the net only.
            lines.append(
                _currency(
                    Line(settings.vat_collected_account, credit=vat_ron, vat=tag),
                    doc.currency,
                    part.vat,
                    doc.exchange_rate,
                )
            )
        else:
            payable_ron += vat_ron
            payable_doc += part.vat
    payable = _currency(
        Line(doc.payable_account, credit=payable_ron, partner_id=doc.partner_id, due_date=doc.due_date),
        doc.currency,
        payable_doc,
        doc.exchange_rate,
    )
    lines = [*(replace(line, partner_id=doc.partner_id) for line in lines), payable]
    description = doc.description or f"Factură furnizor {doc.source.number}"
    return EntryDraft(PURCHASES_JOURNAL, doc.invoice_date, description, tuple(lines), source=doc.source)


def treasury_journal(treasury_account: str) -> str:
    """Bank accounts (512x) go to the bank register, cash (531x) to the cash register."""
    if treasury_account.startswith("512"):
        return BANK_JOURNAL
    if treasury_account.startswith("531"):
        return CASH_JOURNAL
    return GENERAL_JOURNAL


def settlement_entry(s: Settlement, rules: PostingRules) -> EntryDraft:
    """5121/5311 = 4111 for a receipt, 401 = 5121/5311 for a payment, with any FX difference."""
    if s.kind not in ("receipt", "payment"):
        raise ValidationError.for_field("kind", f"{s.kind!r}: use receipt or payment")
    if s.amount <= 0:
        raise ValidationError.for_field("amount", f"{s.amount}: a settlement amount is positive")
    settings = rules.settings
    booked = s.booked_amount if s.booked_amount is not None else s.amount
    if booked <= 0:
        raise ValidationError.for_field("booked_amount", f"{booked}: must be positive")
    treasury = _currency(Line(s.treasury_account), s.currency, s.currency_amount or s.amount, s.exchange_rate)
    partner = _currency(
        Line(s.partner_account, partner_id=s.partner_id),
        s.currency,
        s.currency_amount or s.amount,
        s.booked_rate or s.exchange_rate,
    )
    lines: list[Line]
    if s.kind == "receipt":
        lines = [replace(treasury, debit=s.amount), replace(partner, credit=booked)]
        gain = s.amount - booked  # more lei received than booked: favourable
    else:
        lines = [replace(partner, debit=booked), replace(treasury, credit=s.amount)]
        gain = booked - s.amount  # fewer lei paid than booked: favourable
    if gain > 0:
        lines.append(Line(settings.fx_gain_account, credit=gain, partner_id=s.partner_id))
    elif gain < 0:
        lines.append(Line(settings.fx_loss_account, debit=-gain, partner_id=s.partner_id))
    label = "Încasare" if s.kind == "receipt" else "Plată"
    description = s.description or f"{label} {s.source.number}"
    return EntryDraft(treasury_journal(s.treasury_account), s.on, description, tuple(lines), source=s.source)


def fx_revaluation_entry(
    *,
    account: str,
    partner_id: str | None,
    liability: bool,
    booked_value: Decimal,
    revalued_value: Decimal,
    on: date,
    source: SourceDocument,
    rules: PostingRules,
) -> EntryDraft | None:
    """Month-end revaluation of a currency item at the BNR rate: item = 7651 or 6651 = item."""
    change = revalued_value - booked_value
    if change == 0:
        return None
    settings = rules.settings
    gain = -change if liability else change  # a liability that grows is a loss
    item_debit = change > 0 if not liability else change < 0
    amount = abs(change)
    item = Line(
        account,
        debit=amount if item_debit else ZERO,
        credit=ZERO if item_debit else amount,
        partner_id=partner_id,
    )
    other = (
        Line(settings.fx_gain_account, credit=amount, partner_id=partner_id)
        if gain > 0
        else Line(settings.fx_loss_account, debit=amount, partner_id=partner_id)
    )
    description = f"Reevaluare {account} la cursul BNR din {on.isoformat()}"
    return EntryDraft(GENERAL_JOURNAL, on, description, (item, other), source=source)


def vat_closing_entry(
    deductible_balance: Decimal,
    collected_balance: Decimal,
    on: date,
    source: SourceDocument,
    rules: PostingRules,
) -> EntryDraft | None:
    """4427 = 4426 up to the smaller balance, then 4427 = 4423 (payable) or 4424 = 4426 (to recover).

    ``deductible_balance``: the debit balance of 4426; ``collected_balance``: the credit balance
    of 4427, both at the end of the month.
    """
    s = rules.settings
    lines: list[Line] = []
    offset = min(deductible_balance, collected_balance)
    if offset > 0:
        lines += [Line(s.vat_collected_account, debit=offset), Line(s.vat_deductible_account, credit=offset)]
    if collected_balance > deductible_balance:
        rest = collected_balance - max(deductible_balance, ZERO)
        lines += [Line(s.vat_collected_account, debit=rest), Line(s.vat_payable_account, credit=rest)]
    elif deductible_balance > collected_balance:
        rest = deductible_balance - max(collected_balance, ZERO)
        lines += [Line(s.vat_recoverable_account, debit=rest), Line(s.vat_deductible_account, credit=rest)]
    if not lines:
        return None
    return EntryDraft(GENERAL_JOURNAL, on, f"Regularizare TVA {source.id}", tuple(lines), source=source)

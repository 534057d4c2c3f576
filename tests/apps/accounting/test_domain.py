"""The pure ledger rules: balance, one side per line, red storno, reversals, periods, postings, VAT rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from genius.apps.accounting.domain.accounts import analytic_account, posting_problem, synthetic_accounts
from genius.apps.accounting.domain.entries import (
    Entry,
    EntryDraft,
    EntryStatus,
    Line,
    SourceDocument,
    in_black,
    reversal_of,
    validate,
)
from genius.apps.accounting.domain.errors import PeriodClosed, UnbalancedEntry, UnknownAccount
from genius.apps.accounting.domain.periods import Period, PeriodStatus, check_open, transition
from genius.apps.accounting.domain.postings import (
    DocumentPart,
    PurchaseDocument,
    SalesDocument,
    Settlement,
    fx_revaluation_entry,
    purchase_entry,
    sale_entry,
    settlement_entry,
    vat_closing_entry,
)
from genius.apps.accounting.domain.rules import (
    AccountingSettings,
    CreditNoteMode,
    Flow,
    PostingRule,
    PostingRules,
    Selector,
)
from genius.apps.accounting.domain.vat import VatTreatment, d300_rows
from genius.kernel.errors import Conflict, ValidationError

LEDGER = {a.code: a for a in synthetic_accounts()}
LEDGER["4111.00001"] = analytic_account("4111.00001", "Client Exemplu SRL", partner_id="p1")
LEDGER["401.00001"] = analytic_account("401.00001", "Furnizor SRL", partner_id="s1")
DAY = date(2026, 3, 10)
SRC = SourceDocument("sales_invoice", "inv-1", "GEN-2026-0001")


def check(code: str) -> str | None:
    return posting_problem(LEDGER.get(code), code)


def balanced(draft: EntryDraft) -> bool:
    return draft.total_debit == draft.total_credit


def entry(*lines: Line, storno: bool = False) -> EntryDraft:
    return EntryDraft("NC", DAY, "test", lines, storno=storno)


def test_the_chart_is_seeded_with_grade_one_and_two_accounts() -> None:
    assert {"401", "4111", "4426", "4427", "5121", "704", "707", "6651", "7651"} <= set(LEDGER)
    assert not LEDGER["411"].postable and LEDGER["4111"].postable  # 411 has 4111/4118
    assert LEDGER["4111.00001"].saft_account_id == "411100001" and LEDGER["4111.00001"].parent == "4111"


def test_a_balanced_entry_passes_and_an_unbalanced_one_names_the_difference() -> None:
    ok = entry(Line("5121", debit=D("100.00")), Line("4111.00001", credit=D("100.00")))
    assert validate(ok, check) is ok
    with pytest.raises(UnbalancedEntry) as caught:
        validate(
            entry(Line("5121", debit=D("100.00")), Line("4111.00001", credit=D("90.00"))), check, label="NC-1"
        )
    assert "NC-1 is unbalanced: debit 100.00 != credit 90.00 (difference 10.00)" in caught.value.message


def test_unknown_and_non_postable_accounts_are_named_with_their_line() -> None:
    with pytest.raises(UnknownAccount) as caught:
        validate(entry(Line("5121", debit=D("1.00")), Line("9999", credit=D("1.00"))), check, label="NC-2")
    assert caught.value.problems[0].field == "lines[1].account"
    assert "NC-2, line 2: account '9999' is not in the ledger" in caught.value.message
    with pytest.raises(UnknownAccount) as caught:
        validate(entry(Line("411", debit=D("1.00")), Line("707", credit=D("1.00"))), check)
    assert "411 has grade II accounts (4111, 4118)" in caught.value.message


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (Line("5121", debit=D("5.00"), credit=D("5.00")), "two_sides"),
        (Line("5121"), "no_amount"),
        (Line("5121", debit=D("-5.00")), "negative_amount"),
    ],
)
def test_one_positive_side_per_line_outside_storno(line: Line, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(entry(line, Line("707", credit=D("5.00"))), check)
    assert caught.value.problems[0].code == code and caught.value.problems[0].field.startswith("lines[0]")


def test_negative_amounts_are_allowed_on_storno_entries_only() -> None:
    red = entry(
        Line("4111.00001", debit=D("-119.00")),
        Line("707", credit=D("-100.00")),
        Line("4427", credit=D("-19.00")),
        storno=True,
    )
    assert validate(red, check) is red


def test_a_reversal_negates_every_line_and_points_back() -> None:
    lines = (
        Line("4111.00001", debit=D("121.00")),
        Line("704", credit=D("100.00")),
        Line("4427", credit=D("21.00")),
    )
    posted = Entry(
        "e1", "VZ", "VZ-2026-000001", DAY, "Factură", EntryStatus.POSTED, False, lines, "u1", source=SRC
    )
    reversal = reversal_of(posted, date(2026, 3, 20))
    assert reversal.storno and reversal.reverses == "e1" and balanced(reversal)
    assert [(x.account, x.debit, x.credit) for x in reversal.lines] == [
        ("4111.00001", D("-121.00"), D("0.00")),
        ("704", D("0.00"), D("-100.00")),
        ("4427", D("0.00"), D("-21.00")),
    ]
    assert reversal.source is not None and reversal.source.role == "reverse:issue"
    black = in_black(lines)
    assert next((x.account, x.debit, x.credit) for x in black) == ("4111.00001", D("0.00"), D("121.00"))


def test_periods_close_lock_and_name_themselves() -> None:
    period = Period(2026, 3)
    assert (
        str(period) == "2026-03"
        and period.last_day == date(2026, 3, 31)
        and Period(2026, 12).next() == Period(2027, 1)
    )
    check_open(period, PeriodStatus.OPEN, "NC-1")
    with pytest.raises(PeriodClosed, match=r"period 2026-03 is locked: NC-1 cannot be posted"):
        check_open(period, PeriodStatus.LOCKED, "NC-1")
    assert transition(period, PeriodStatus.CLOSED, PeriodStatus.OPEN) is PeriodStatus.OPEN
    with pytest.raises(Conflict, match="2026-03 is locked and cannot become open"):
        transition(period, PeriodStatus.LOCKED, PeriodStatus.OPEN)
    with pytest.raises(ValidationError, match="month"):
        Period(2026, 13)


def sale(credit_note: bool = False, **overrides: object) -> SalesDocument:
    values: dict[str, object] = {
        "source": SRC,
        "issue_date": DAY,
        "partner_id": "p1",
        "receivable_account": "4111.00001",
        "currency": "RON",
        "exchange_rate": None,
        "parts": (
            DocumentPart(D("1000.00"), D("210.00"), "S", D("21")),
            DocumentPart(D("200.00"), D("22.00"), "S", D("11")),
        ),
        "vat_total_ron": None,
        "credit_note": credit_note,
    }
    values.update(overrides)
    return SalesDocument(**values)  # type: ignore[arg-type]


def test_a_sale_is_4111_to_707_and_4427_per_vat_group() -> None:
    draft = sale_entry(sale(), PostingRules())
    assert balanced(draft) and draft.journal == "VZ"
    assert [(x.account, x.debit, x.credit) for x in draft.lines] == [
        ("4111.00001", D("1432.00"), D("0")),
        ("707", D("0"), D("1000.00")),
        ("4427", D("0"), D("210.00")),
        ("707", D("0"), D("200.00")),
        ("4427", D("0"), D("22.00")),
    ]
    assert draft.lines[2].vat is not None and draft.lines[2].vat.role == "tax"


def test_rules_pick_the_account_by_product_then_vat_category_then_kind() -> None:
    rules = PostingRules(
        [
            PostingRule(Flow.SALES, Selector.VAT_CATEGORY, "K", "7071"),
            PostingRule(Flow.SALES, Selector.PRODUCT_CATEGORY, "consultanta", "704"),
        ]
    )
    assert rules.account_for(Flow.SALES, vat_category="K", item_kind="goods") == "7071"
    assert rules.account_for(Flow.SALES, product_category="consultanta", vat_category="K") == "704"
    assert rules.account_for(Flow.SALES, item_kind="service") == "704"
    assert rules.account_for(Flow.SALES, item_kind="own_product") == "7015"
    assert rules.account_for(Flow.SALES) == "707"
    assert rules.account_for(Flow.PURCHASE, item_kind="goods") == "371"


def test_intra_eu_and_export_sales_carry_no_vat_line() -> None:
    parts = (DocumentPart(D("500.00"), D("0"), "K", D("0")), DocumentPart(D("300.00"), D("0"), "G", D("0")))
    draft = sale_entry(sale(parts=parts, buyer_foreign=True), PostingRules())
    assert [x.account for x in draft.lines] == ["4111.00001", "707", "707"]
    assert [x.vat.treatment for x in draft.lines[1:] if x.vat] == ["sale_intra_eu_goods", "sale_export"]


def test_a_credit_note_is_red_by_default_and_black_by_choice() -> None:
    red = sale_entry(sale(credit_note=True), PostingRules())
    assert red.storno and balanced(red) and red.lines[0].debit == D("-1432.00")
    black_rules = PostingRules(settings=AccountingSettings(credit_note_mode=CreditNoteMode.BLACK))
    black = sale_entry(sale(credit_note=True), black_rules)
    assert not black.storno and balanced(black) and black.lines[0].credit == D("1432.00")


def test_a_foreign_currency_sale_keeps_the_invoice_vat_in_lei_and_balances() -> None:
    parts = (
        DocumentPart(D("333.33"), D("70.00"), "S", D("21")),
        DocumentPart(D("10.01"), D("2.10"), "S", D("21")),
    )
    doc = sale(currency="EUR", exchange_rate=D("4.9763"), parts=parts, vat_total_ron=D("358.81"))
    draft = sale_entry(doc, PostingRules())
    assert balanced(draft)
    assert sum(x.credit for x in draft.lines if x.account == "4427") == D("358.81")
    assert draft.lines[0].currency == "EUR" and draft.lines[0].currency_amount == D("415.44")


def test_purchases_and_reverse_charge() -> None:
    doc = PurchaseDocument(
        SourceDocument("supplier_invoice", "si-1", "F-77"),
        DAY,
        "s1",
        "401.00001",
        "RON",
        None,
        (
            DocumentPart(D("100.00"), D("21.00"), "S", D("21"), item_kind="service"),
            DocumentPart(
                D("1000.00"),
                D("210.00"),
                "AE",
                D("21"),
                item_kind="goods",
                treatment=VatTreatment.PURCHASE_INTRA_EU_GOODS,
            ),
        ),
    )
    draft = purchase_entry(doc, PostingRules())
    assert balanced(draft) and draft.journal == "CP"
    assert [(x.account, x.debit, x.credit) for x in draft.lines] == [
        ("628", D("100.00"), D("0")),
        ("4426", D("21.00"), D("0")),
        ("371", D("1000.00"), D("0")),
        ("4426", D("210.00"), D("0")),
        ("4427", D("0"), D("210.00")),  # self-assessed: collected too
        ("401.00001", D("0"), D("1121.00")),  # the supplier is owed the net of the reverse charge
    ]


def test_settlements_post_exchange_differences() -> None:
    receipt = Settlement(
        "receipt",
        SourceDocument("bank_line", "b1", "EXT-1"),
        DAY,
        "p1",
        "4111.00001",
        "5124",
        D("5020.00"),
        "EUR",
        D("1000.00"),
        D("5.02"),
        booked_amount=D("4976.30"),
    )
    draft = settlement_entry(receipt, PostingRules())
    assert balanced(draft) and draft.journal == "BA"
    assert [(x.account, x.debit, x.credit) for x in draft.lines] == [
        ("5124", D("5020.00"), D("0")),
        ("4111.00001", D("0"), D("4976.30")),
        ("7651", D("0"), D("43.70")),
    ]
    payment = Settlement(
        "payment",
        SourceDocument("cash", "c1", "DP-1"),
        DAY,
        "s1",
        "401.00001",
        "5311",
        D("100.00"),
        booked_amount=D("98.00"),
    )
    paid = settlement_entry(payment, PostingRules())
    assert paid.journal == "CS" and ("6651", D("2.00"), D("0")) in [
        (x.account, x.debit, x.credit) for x in paid.lines
    ]
    with pytest.raises(ValidationError, match="kind"):
        settlement_entry(
            Settlement("gift", receipt.source, DAY, None, "4111", "5121", D("1")), PostingRules()
        )


def test_fx_revaluation_of_a_payable_that_grows_is_a_loss() -> None:
    draft = fx_revaluation_entry(
        account="401.00001",
        partner_id="s1",
        liability=True,
        booked_value=D("4976.30"),
        revalued_value=D("5000.00"),
        on=date(2026, 3, 31),
        source=SRC,
        rules=PostingRules(),
    )
    assert draft is not None and balanced(draft)
    assert [(x.account, x.debit, x.credit) for x in draft.lines] == [
        ("401.00001", D("0"), D("23.70")),
        ("6651", D("23.70"), D("0")),
    ]


@pytest.mark.parametrize(
    ("deductible", "collected", "expected"),
    [
        (
            D("100"),
            D("300"),
            [("4427", "100", "0"), ("4426", "0", "100"), ("4427", "200", "0"), ("4423", "0", "200")],
        ),
        (
            D("300"),
            D("100"),
            [("4427", "100", "0"), ("4426", "0", "100"), ("4424", "200", "0"), ("4426", "0", "200")],
        ),
        (D("100"), D("100"), [("4427", "100", "0"), ("4426", "0", "100")]),
    ],
)
def test_vat_closing(deductible: D, collected: D, expected: list[tuple[str, str, str]]) -> None:
    draft = vat_closing_entry(
        deductible,
        collected,
        date(2026, 3, 31),
        SourceDocument("vat_closing", "2026-03", "x"),
        PostingRules(),
    )
    assert draft is not None and balanced(draft)
    assert [(x.account, x.debit, x.credit) for x in draft.lines] == [(a, D(d), D(c)) for a, d, c in expected]


def test_d300_rows_of_the_2026_form() -> None:
    assert d300_rows(VatTreatment.SALE_STANDARD, D("21")).collected == "9"
    assert d300_rows(VatTreatment.SALE_STANDARD, D("11.00")).base == "10"
    assert d300_rows(VatTreatment.SALE_STANDARD, D("19")).base == "16"  # old rate: regularisation row
    assert d300_rows(VatTreatment.PURCHASE_INTRA_EU_GOODS, D("21")) == d300_rows(
        VatTreatment.PURCHASE_INTRA_EU_GOODS, None
    )
    assert d300_rows(VatTreatment.PURCHASE_EU_SERVICES, D("21")).deductible == "22.1"
    assert d300_rows(VatTreatment.PURCHASE_STANDARD, D("21")).deductible == "24"

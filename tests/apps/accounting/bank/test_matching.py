"""The matcher on hand-made cases: what it applies by itself, what it only proposes, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from genius.apps.accounting.bank.domain.matching import AUTO_RECONCILE_THRESHOLD, Matcher, match_lines
from genius.apps.accounting.bank.domain.model import ItemKind, LineFacts, OpenItem
from genius.apps.accounting.bank.domain.names import name_similarity, normalise_name

ALFA = ("p-alfa", "Alfa Construct SRL", "14399840", "RO19BTRLRONCRT0999888701")
ALFA_INVEST = ("p-alfa2", "Alfa Construct Invest SRL", "6859662", "RO66BACX0000001234567890")
BETA = ("p-beta", "Beta Logistic SA", "1590082", "RO02RNCB0300000777660001")


def item(id_: str, number: str, amount: str, partner: tuple[str, str, str, str], *, iban_known: bool = True,
         kind: ItemKind = ItemKind.RECEIVABLE, issued: date = date(2026, 1, 5)) -> OpenItem:  # fmt: skip
    return OpenItem(
        id=id_, kind=kind, number=number, currency="RON", total=Decimal(amount), open_amount=Decimal(amount),
        issue_date=issued, partner_id=partner[0], partner_name=partner[1], partner_cui=partner[2],
        partner_ibans=frozenset({partner[3]}) if iban_known else frozenset(),
    )  # fmt: skip


def line(amount: str, details: str, name: str | None = None, iban: str | None = None, cui: str | None = None,
         on: date = date(2026, 2, 1)) -> LineFacts:  # fmt: skip
    return LineFacts("l1", Decimal(amount), "RON", on, name, iban, cui, details)


ITEMS = [
    item("a1", "GEN-000042", "1190.00", ALFA),
    item("a2", "GEN-000043", "500.00", ALFA),
    item("a3", "GEN-000044", "250.00", ALFA),
    item("b1", "GEN-000050", "1190.00", BETA, iban_known=False),
    item("i1", "GEN-000060", "800.00", ALFA_INVEST),
    item("s1", "F 7781", "595.00", BETA, kind=ItemKind.PAYABLE),
]


def decide(the_line: LineFacts, items: list[OpenItem] = ITEMS):  # type: ignore[no-untyped-def]
    return Matcher(items).decide(the_line)


def test_number_amount_and_name_reconcile_by_themselves() -> None:
    decision = decide(line("1190.00", "c/v fact GEN-0042", "ALFA CONSTRUCT SRL"))
    assert decision.auto is not None and decision.auto.item_ids == ("a1",)
    assert decision.auto.confidence >= AUTO_RECONCILE_THRESHOLD
    assert any("GEN-000042" in r for r in decision.auto.reasons)


def test_same_amount_two_partners_without_number_is_decided_by_the_payers_account() -> None:
    decision = decide(line("1190.00", "plata", "ALFA CONSTRUCT", iban=ALFA[3]))
    assert decision.auto is not None and decision.auto.item_ids == ("a1",)
    # Without the account, the name alone is not enough to apply it.
    decision = decide(line("1190.00", "plata", "ALFA CONSTRUCT"))
    assert decision.auto is None and decision.candidates[0].item_ids == ("a1",)


def test_a_typo_in_the_name_still_matches_with_the_number() -> None:
    assert name_similarity("ALFA CONSTRCT SRL", "Alfa Construct SRL") >= 90
    decision = decide(line("1190.00", "factura nr. GEN-0042", "ALFA CONSTRCT"))
    assert decision.auto is not None and decision.auto.item_ids == ("a1",)


def test_one_payment_for_several_invoices_of_one_partner() -> None:
    named = decide(line("1940.00", "plata facturi GEN-0042, GEN-0043 si GEN-0044", "ALFA CONSTRUCT SRL"))
    assert named.auto is not None and set(named.auto.item_ids) == {"a1", "a2", "a3"}
    assert named.auto.applied == Decimal("1940.00")
    # The sum of two invoices without numbers: proposed, the right pair first.
    unnamed = decide(line("1690.00", "plata", "ALFA CONSTRUCT SRL", iban=ALFA[3]))
    assert unnamed.auto is None and set(unnamed.candidates[0].item_ids) == {"a1", "a2"}


def test_a_partial_payment_settles_part_of_the_named_invoice() -> None:
    decision = decide(line("400.00", "avans fact GEN-0042", "ALFA CONSTRUCT SRL", iban=ALFA[3]))
    assert decision.auto is not None and decision.auto.item_ids == ("a1",)
    assert decision.auto.applied == Decimal("400.00")


def test_a_cui_of_another_partner_blocks_an_automatic_match() -> None:
    decision = decide(line("1190.00", "c/v fact GEN-0042", "ALFA CONSTRUCT SRL", cui=BETA[2]))
    assert decision.auto is None
    assert any("not the partner's" in r for c in decision.candidates for r in c.reasons)


def test_similar_names_do_not_confuse_partners() -> None:
    assert normalise_name("S.C. Alfa-Construct S.R.L.") == "ALFA CONSTRUCT"
    assert name_similarity("ALFA CONSTRUCT", "Alfa Construct SRL") > name_similarity(
        "ALFA CONSTRUCT", "Alfa Construct Invest SRL"
    )
    decision = decide(line("800.00", "plata", "ALFA CONSTRUCT"))
    assert decision.auto is None  # 800 is Alfa Construct Invest's amount, not Alfa Construct's


def test_direction_decides_receivable_or_payable() -> None:
    decision = decide(line("-595.00", "plata fact F 7781", "BETA LOGISTIC SA"))
    assert decision.auto is not None and decision.auto.item_ids == ("s1",)
    assert decide(line("595.00", "fact F 7781", "BETA LOGISTIC SA")).candidates == ()


def test_unrelated_lines_get_nothing_or_weak_candidates() -> None:
    for unrelated in (
        line("-3500.00", "plata impozite si contributii", "BUGETUL DE STAT"),
        line("12.00", "Dobanda"),
        line("777.00", "transfer", "POPESCU MARIA", iban="RO47RZBR0000060098765432"),
    ):
        decision = decide(unrelated)
        assert decision.auto is None and all(c.confidence < 0.5 for c in decision.candidates)


def test_an_invoice_paid_by_one_line_is_not_offered_to_the_next() -> None:
    first = LineFacts(
        "l1", Decimal("1190.00"), "RON", date(2026, 2, 1), "ALFA CONSTRUCT SRL", None, None, "fact GEN-0042"
    )
    second = LineFacts(
        "l2", Decimal("1190.00"), "RON", date(2026, 2, 2), "ALFA CONSTRUCT SRL", None, None, "fact GEN-0042"
    )
    one, two = match_lines([first, second], ITEMS)
    assert one.auto is not None and one.auto.item_ids == ("a1",)
    assert two.auto is None and all("a1" not in c.item_ids for c in two.candidates)


def test_payment_long_before_the_invoice_is_not_applied() -> None:
    early = line("1190.00", "c/v fact GEN-0042", "ALFA CONSTRUCT SRL", on=date(2025, 12, 1))
    assert decide(early).auto is None

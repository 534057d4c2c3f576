"""The CIUS-RO screen clears a check only when the check cannot fire: proved on every corpus document."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.ciusro import RULES, header, screen
from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.registry import RuleSet
from tests.fiscal.ro.efactura.validate.findings_dump import parsed_documents

from .samples import INVOICE, edit, set_text, tree


def _checks() -> list[object]:
    return [check for _, check, _ in RULES._checks]


def test_the_screen_covers_every_ciusro_check() -> None:
    # A check the screen does not know always runs (correct, but it loses the fast path).
    assert set(_checks()) == set(screen.COVERED)


def _outcome(run: object, doc: UblDocument) -> object:
    try:
        return [(f.rule_id, f.message_en, f.location) for f in run(doc)]  # type: ignore[operator]
    except (ArithmeticError, ValueError, TypeError) as exc:  # schema-invalid documents (RULES-INCOMPLETE)
        return type(exc)


@pytest.mark.slow
def test_every_cleared_check_finds_nothing_on_the_corpus(validation_dir: Path) -> None:
    """Soundness, check by check, on the agreement corpus, its mutants, the examples and the bench."""
    cleared_runs = 0
    for key, root in parsed_documents(validation_dir):
        doc = UblDocument(root)
        doubtful = screen.doubtful_checks(doc)
        if doubtful is not None:
            for check in screen.COVERED - doubtful:
                cleared_runs += 1
                name = getattr(check, "__name__", check)
                assert not list(check(doc)), f"{key}: the screen cleared {name}, which fires"
        assert _outcome(RULES.run, doc) == _outcome(lambda d: RuleSet.run(RULES, d), doc), key
    assert cleared_runs > 10_000


def _doc(xml: str) -> UblDocument:
    return UblDocument(tree(xml))


def test_a_clean_invoice_runs_no_check() -> None:
    assert screen.doubtful_checks(_doc(INVOICE)) == set()


def test_spaces_around_a_code_leave_the_check_to_decide() -> None:
    doc = _doc(edit(INVOICE, set_text("/*/cbc:InvoiceTypeCode", " 380 ")))
    assert screen.doubtful_checks(doc) == {header.br_ro_020_1}
    assert RULES.run(doc) == []  # normalize-space(" 380 ") is 380


def test_two_seller_parties_run_every_check() -> None:
    def twice(root: etree._Element) -> None:
        seller = root.find("{*}AccountingSupplierParty")
        assert seller is not None
        seller.addnext(copy.deepcopy(seller))

    doc = _doc(edit(INVOICE, twice))
    assert screen.doubtful_checks(doc) is None
    assert RULES.run(doc) == RuleSet.run(RULES, doc)

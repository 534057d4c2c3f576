"""Decimal places of amounts: BR-DEC-* (EN 16931), BR-DEC-RO-* (ANAF's RO pattern) and UBL-DT-01.

Each tests ``string-length(substring-after(amount, '.')) <= 2`` on one amount of one context.
ANAF repeats most BR-DEC rules as BR-DEC-RO in its own pattern, with narrower contexts:
BR-DEC-RO-01/02/05/06 bind to ``/ubl:Invoice`` only (its CreditNote branch names a root that
never exists), and BR-DEC-RO-13/15/23 never fire (shadowed contexts; see ``en16931.DEAD_RULES``).
BR-DEC-13/15 never fire either: their predicate ``[@currencyID = cbc:DocumentCurrencyCode]`` is
evaluated on the TaxAmount element, which has no such child.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain, compress
from operator import attrgetter

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    is_allowance,
    is_charge,
    line_charges,
    matching,
    root_charges,
)
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet

RULES = RuleSet("en16931.decimals")

Contexts = Callable[[UblDocument], list[Node]]


def _doc_allowances(doc: UblDocument) -> list[Node]:
    return [ac for ac in root_charges(doc) if is_allowance(ac)] if doc.is_ubl else []


def _doc_charges(doc: UblDocument) -> list[Node]:
    return [ac for ac in root_charges(doc) if is_charge(ac)] if doc.is_ubl else []


def _invoice_allowances(doc: UblDocument) -> list[Node]:
    return _doc_allowances(doc) if doc.is_invoice else []


def _invoice_charges(doc: UblDocument) -> list[Node]:
    return _doc_charges(doc) if doc.is_invoice else []


def _totals(doc: UblDocument) -> list[Node]:
    return list(doc.all("cac:LegalMonetaryTotal"))


def _subtotals(doc: UblDocument) -> list[Node]:
    return matching(doc, "cac:TaxTotal/cac:TaxSubtotal")


def _lines(doc: UblDocument) -> list[Node]:
    return [*doc.all("cac:InvoiceLine"), *doc.all("cac:CreditNoteLine")]


def _line_allowances(doc: UblDocument) -> list[Node]:
    return [ac for ac in line_charges(doc) if is_allowance(ac)]


def _line_charges(doc: UblDocument) -> list[Node]:
    return [ac for ac in line_charges(doc) if is_charge(ac)]


# (rule ids, contexts, amount element, BT, Romanian term, English term)
_TABLE: tuple[tuple[tuple[str, ...], Contexts, str, str, str, str], ...] = (
    (
        ("BR-DEC-01",),
        _doc_allowances,
        "cbc:Amount",
        "BT-92",
        "valoarea deducerii la nivel de document",
        "Document level allowance amount",
    ),
    (
        ("BR-DEC-RO-01",),
        _invoice_allowances,
        "cbc:Amount",
        "BT-92",
        "valoarea deducerii la nivel de document",
        "Document level allowance amount",
    ),
    (
        ("BR-DEC-02",),
        _doc_allowances,
        "cbc:BaseAmount",
        "BT-93",
        "baza deducerii la nivel de document",
        "Document level allowance base amount",
    ),
    (
        ("BR-DEC-RO-02",),
        _invoice_allowances,
        "cbc:BaseAmount",
        "BT-93",
        "baza deducerii la nivel de document",
        "Document level allowance base amount",
    ),
    (
        ("BR-DEC-05",),
        _doc_charges,
        "cbc:Amount",
        "BT-99",
        "valoarea taxei suplimentare la nivel de document",
        "Document level charge amount",
    ),
    (
        ("BR-DEC-RO-05",),
        _invoice_charges,
        "cbc:Amount",
        "BT-99",
        "valoarea taxei suplimentare la nivel de document",
        "Document level charge amount",
    ),
    (
        ("BR-DEC-06",),
        _doc_charges,
        "cbc:BaseAmount",
        "BT-100",
        "baza taxei suplimentare la nivel de document",
        "Document level charge base amount",
    ),
    (
        ("BR-DEC-RO-06",),
        _invoice_charges,
        "cbc:BaseAmount",
        "BT-100",
        "baza taxei suplimentare la nivel de document",
        "Document level charge base amount",
    ),
    (
        ("BR-DEC-09", "BR-DEC-RO-09"),
        _totals,
        "cbc:LineExtensionAmount",
        "BT-106",
        "suma valorilor nete ale liniilor",
        "Sum of Invoice line net amount",
    ),
    (
        ("BR-DEC-10", "BR-DEC-RO-10"),
        _totals,
        "cbc:AllowanceTotalAmount",
        "BT-107",
        "totalul deducerilor la nivel de document",
        "Sum of allowances on document level",
    ),
    (
        ("BR-DEC-11", "BR-DEC-RO-11"),
        _totals,
        "cbc:ChargeTotalAmount",
        "BT-108",
        "totalul taxelor suplimentare la nivel de document",
        "Sum of charges on document level",
    ),
    (
        ("BR-DEC-12", "BR-DEC-RO-12"),
        _totals,
        "cbc:TaxExclusiveAmount",
        "BT-109",
        "totalul fără TVA",
        "Invoice total amount without VAT",
    ),
    (
        ("BR-DEC-14", "BR-DEC-RO-14"),
        _totals,
        "cbc:TaxInclusiveAmount",
        "BT-112",
        "totalul cu TVA",
        "Invoice total amount with VAT",
    ),
    (("BR-DEC-16", "BR-DEC-RO-16"), _totals, "cbc:PrepaidAmount", "BT-113", "suma plătită", "Paid amount"),
    (
        ("BR-DEC-17", "BR-DEC-RO-17"),
        _totals,
        "cbc:PayableRoundingAmount",
        "BT-114",
        "rotunjirea",
        "Rounding amount",
    ),
    (
        ("BR-DEC-18", "BR-DEC-RO-18"),
        _totals,
        "cbc:PayableAmount",
        "BT-115",
        "suma de plată",
        "Amount due for payment",
    ),
    (
        ("BR-DEC-19", "BR-DEC-RO-1009"),
        _subtotals,
        "cbc:TaxableAmount",
        "BT-116",
        "baza impozabilă a categoriei de TVA",
        "VAT category taxable amount",
    ),
    (
        ("BR-DEC-20", "BR-DEC-RO-1010"),
        _subtotals,
        "cbc:TaxAmount",
        "BT-117",
        "valoarea TVA a categoriei",
        "VAT category tax amount",
    ),
    (
        ("BR-DEC-23",),
        _lines,
        "cbc:LineExtensionAmount",
        "BT-131",
        "valoarea netă a liniei",
        "Invoice line net amount",
    ),
    (
        ("BR-DEC-24", "BR-DEC-RO-24"),
        _line_allowances,
        "cbc:Amount",
        "BT-136",
        "valoarea deducerii la nivel de linie",
        "Invoice line allowance amount",
    ),
    (
        ("BR-DEC-25", "BR-DEC-RO-25"),
        _line_allowances,
        "cbc:BaseAmount",
        "BT-137",
        "baza deducerii la nivel de linie",
        "Invoice line allowance base amount",
    ),
    (
        ("BR-DEC-27", "BR-DEC-RO-27"),
        _line_charges,
        "cbc:Amount",
        "BT-141",
        "valoarea taxei suplimentare la nivel de linie",
        "Invoice line charge amount",
    ),
    (
        ("BR-DEC-28", "BR-DEC-RO-28"),
        _line_charges,
        "cbc:BaseAmount",
        "BT-142",
        "baza taxei suplimentare la nivel de linie",
        "Invoice line charge base amount",
    ),
)


def _rule(rule_id: str, bt: str, ro: str, en: str) -> Rule:
    return Rule(
        rule_id,
        "fatal",
        f"{ro[0].upper()}{ro[1:]} ({bt}) „{{value}}” are prea multe zecimale: sunt permise cel mult 2.",
        f"The value '{{value}}' of the {en} ({bt}) has too many decimals: at most 2 are allowed.",
    )


# Both rules fire only on an amount whose string value has a '.' followed by 3 or more characters.
# A '.' with fewer after it cannot be followed by one with more, so over the texts joined with NUL
# (never in XML text) this finds exactly the texts with such a first '.'.
_LONG_FRACTION = re.compile(r"\.[^\x00]{3}")
_PLAIN = "en16931.decimals.plain"  # doc.memo key: _amounts_plain's answer
if any(name.endswith("PriceAmount") or not name.endswith("Amount") for _, _, name, *_ in _TABLE):
    raise ValueError("decimals: every BR-DEC amount must be one _amounts_plain reads")


def _amounts_plain(doc: UblDocument) -> bool:
    """True when no rule of this module can fire: every element named ``...Amount`` (other than
    ``...PriceAmount``) is a leaf whose text has at most two characters after its first '.'.

    Read once per document for both checks; False sends them to their rule-by-rule code.
    """
    plain = doc.memo.get(_PLAIN)
    if plain is None:
        plain = doc.memo[_PLAIN] = _read_amounts(doc)
    return plain  # type: ignore[return-value]


class _ReadNames(dict[str, bool]):
    """Qualified name -> whether _read_amounts reads it (``...Amount``, not ``...PriceAmount``).

    Filled on first sight, like document._QNAME_CACHE (a function of the name alone, the same for
    every document); stops growing at 4,096 names. Looked up from C, name by name, in one call.
    """

    def __missing__(self, name: str) -> bool:
        read = name.endswith("Amount") and not name.endswith("PriceAmount")
        if len(self) < 4096:
            self[name] = read
        return read


_READ_NAMES = _ReadNames()
_ELEMENT = attrgetter("el")
_TEXT = attrgetter("text")


def _read_amounts(doc: UblDocument) -> bool:
    by_name = doc.by_name
    names = compress(by_name, map(_READ_NAMES.__getitem__, by_name))
    nodes = list(chain.from_iterable(map(by_name.__getitem__, names)))
    if any(map(len, map(_ELEMENT, nodes))):  # a child (element, comment, PI): more than its text
        return False
    return _LONG_FRACTION.search("\x00".join(map(_TEXT, nodes))) is None


@RULES.group([_rule(rule_id, bt, ro, en) for ids, _, _, bt, ro, en in _TABLE for rule_id in ids])
def decimal_places(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    if _amounts_plain(doc):
        return
    found: dict[Contexts, list[Node]] = {}  # each context list once (rows share them)
    for ids, contexts, name, _, _, _ in _TABLE:
        nodes = found.get(contexts)
        if nodes is None:
            nodes = found[contexts] = contexts(doc)
        for context in nodes:
            amounts = context._kids.get(name)
            if not amounts:
                continue
            value = amounts[0].string_value
            dot = value.find(".")  # fraction_digits(value) > 2, written out (per line and amount)
            if dot >= 0 and len(value) - dot > 3:
                for rule_id in ids:
                    yield rule_id, Hit(amounts[0], {"value": amounts[0].text})


@RULES.rule(
    "UBL-DT-01",
    "fatal",
    ro="Sumele pot avea cel mult 2 zecimale (prețurile articolelor pot avea mai multe): „{value}”.",
    en="Amounts may have at most 2 decimals (item prices may have more): '{value}'.",
)
def ubl_dt_01(doc: UblDocument) -> Iterator[Hit]:
    if _amounts_plain(doc):
        return
    # //*[ends-with(name(), 'Amount') and not(ends-with(name(), 'PriceAmount'))
    #     and not(ancestor::cac:Price/cac:AllowanceCharge)]
    for name in doc.names_ending("Amount"):
        if name.endswith("PriceAmount"):
            continue
        for node in doc.all(name):
            value = node.string_value
            dot = value.find(".")  # fraction_digits(value) <= 2, written out (per amount)
            if dot < 0 or len(value) - dot <= 3:
                continue
            if not any(a.name == "cac:Price" and a.kids("cac:AllowanceCharge") for a in node.ancestors()):
                yield Hit(node, {"value": node.text})

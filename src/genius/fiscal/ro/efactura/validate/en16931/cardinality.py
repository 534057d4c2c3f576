"""UBL-SR-* cardinality rules of ANAF's copy: how often an element may occur, and the payee conditions.

The plain "count(path) <= n" rules are the rows of ``data/en16931/ubl_sr_cardinalities.csv``
(context ``/`` = the document root, ``//x`` = wherever x occurs, ``//line``/``//allowance``/
``//charge`` = lines, allowances, charges; ``@name`` = a counter below).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import compress
from operator import attrgetter

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded, decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import LINE_NAMES, is_allowance, is_charge, matching
from genius.fiscal.ro.efactura.validate.registry import Rule, RuleSet

RULES = RuleSet("en16931.cardinality")

Count = Callable[[Node], int]


@dataclass(frozen=True, slots=True)
class _Limit:
    rule_id: str
    context: str
    counted: str
    at_most: int
    term_ro: str
    term_en: str


@cache
def _limits() -> tuple[_Limit, ...]:
    resource = files("genius.fiscal.ro.efactura").joinpath("data", "en16931", "ubl_sr_cardinalities.csv")
    with resource.open(encoding="utf-8") as handle:
        return tuple(
            _Limit(r["rule_id"], r["context"], r["counted"], int(r["at_most"]), r["term_ro"], r["term_en"])
            for r in csv.DictReader(handle)
        )


def _contexts(doc: UblDocument, context: str) -> list[Node] | tuple[Node, ...]:
    if context == "/":
        return [doc.root] if doc.is_ubl else []
    if context == "//line":
        return [*doc.all("cac:InvoiceLine"), *doc.all("cac:CreditNoteLine")]
    if context == "//allowance":
        return [a for a in doc.all("cac:AllowanceCharge") if is_allowance(a)]
    if context == "//charge":
        return [a for a in doc.all("cac:AllowanceCharge") if is_charge(a)]
    if context.startswith("//"):
        return matching(doc, context[2:])
    raise ValueError(f"ubl_sr_cardinalities.csv: unknown context {context!r}")


def _upper_scheme_ids(scheme: Node) -> list[str]:
    """``cac:TaxScheme/upper-case(cbc:ID)`` per TaxScheme ('' when it has no cbc:ID)."""
    return [
        (t.kids("cbc:ID")[0].text if t.kids("cbc:ID") else "").upper() for t in scheme.kids("cac:TaxScheme")
    ]


def _party_tax_ids(party_path: str, vat: bool) -> Count:
    # UBL-SR-12/13/18: [cac:TaxScheme/upper-case(cbc:ID)='VAT'] (or != 'VAT'), not normalised.
    def count(root: Node) -> int:
        total = 0
        for scheme in root.findall(party_path + "/cac:PartyTaxScheme"):
            for upper in _upper_scheme_ids(scheme):  # a loop: no generator closed early
                if (upper == "VAT") == vat:
                    total += len(scheme.kids("cbc:CompanyID"))
                    break
        return total

    return count


def _invoice_object_ids(root: Node) -> int:
    return sum(
        len(r.kids("cbc:ID"))
        for r in root.kids("cac:AdditionalDocumentReference")
        if any(c.text == "130" for c in r.kids("cbc:DocumentTypeCode"))
    )


# counter -> (the count, the names whose repetition under one parent it needs to exceed 1)
_COUNTERS: dict[str, tuple[Count, tuple[str, ...]]] = {
    "@invoice_object_ids": (_invoice_object_ids, ("cac:AdditionalDocumentReference", "cbc:ID")),
    "@seller_vat_ids": (
        _party_tax_ids("cac:AccountingSupplierParty/cac:Party", vat=True),
        ("cac:AccountingSupplierParty", "cac:Party", "cac:PartyTaxScheme", "cbc:CompanyID"),
    ),
    "@seller_other_tax_ids": (
        _party_tax_ids("cac:AccountingSupplierParty/cac:Party", vat=False),
        ("cac:AccountingSupplierParty", "cac:Party", "cac:PartyTaxScheme", "cbc:CompanyID"),
    ),
    "@buyer_vat_ids": (
        _party_tax_ids("cac:AccountingCustomerParty/cac:Party", vat=True),
        ("cac:AccountingCustomerParty", "cac:Party", "cac:PartyTaxScheme", "cbc:CompanyID"),
    ),
    "@payment_means_names": (
        lambda r: sum(
            1 for c in r.findall("cac:PaymentMeans/cbc:PaymentMeansCode") if c.attr("name") is not None
        ),
        ("cac:PaymentMeans", "cbc:PaymentMeansCode"),
    ),
}


def _limit_rule(limit: _Limit) -> Rule:
    times_ro, times_en = ("o dată", "once") if limit.at_most == 1 else ("de două ori", "twice")
    return Rule(
        limit.rule_id,
        "fatal",
        f"{limit.term_ro} poate apărea cel mult {times_ro}: eliminați repetările.",
        f"{limit.term_en} may occur at most {times_en}: remove the repetitions.",
    )


# One row of a context: (rule, at most, path steps or () for a counter, the counter or None).
_Row = tuple[str, int, tuple[str, ...], "Count | None"]
# The rows of one context, each with the names it counts through (None: always evaluated).
_Rows = tuple[tuple[_Row, "frozenset[str] | None"], ...]

_PARENT = attrgetter("parent")
_SEVERAL = (1).__lt__  # n > 1
# Element names of a document -> the names its rows count through (bounded: emptied when full).
_COUNTED: dict[frozenset[str], frozenset[str]] = {}


@cache
def _by_context() -> tuple[tuple[str, _Rows], ...]:
    """The CSV rows grouped by context; a path row keeps its steps (counted inline, see below)."""
    grouped: dict[str, list[tuple[_Row, frozenset[str] | None]]] = {}
    for limit in _limits():
        found = _COUNTERS.get(limit.counted)
        counter, names = found if found is not None else (None, tuple(limit.counted.split("/")))
        steps = () if counter is not None else names
        row: _Row = (limit.rule_id, limit.at_most, steps, counter)
        # A count above 1 needs two same-named siblings on the path (a limit below 1: not decided so).
        grouped.setdefault(limit.context, []).append((row, frozenset(names) if limit.at_most >= 1 else None))
    return tuple((context, tuple(rows)) for context, rows in grouped.items())


@cache
def _row_names() -> tuple[frozenset[str], ...]:
    """The names each fast-decidable row counts through."""
    return tuple(names for _, rows in _by_context() for _, names in rows if names is not None)


def _counted_names(doc: UblDocument) -> frozenset[str]:
    """The names of the rows that can count anything here: those whose names all occur in ``doc``
    (a row through an absent name counts 0; the usual ones: a few rows and rare names)."""
    present = doc.element_names
    counted = _COUNTED.get(present)
    if counted is None:
        if len(_COUNTED) >= 1024:
            _COUNTED.clear()
        rows = [names for names in _row_names() if names <= present]
        counted = _COUNTED[present] = frozenset().union(*rows)
    return counted


def _repeated(doc: UblDocument, names: frozenset[str]) -> set[str]:
    """The names among ``names`` that occur more than once below one parent somewhere in ``doc``."""
    by_name = doc.by_name
    repeated = set()
    for name in compress(names, map(_SEVERAL, map(len, map(by_name.__getitem__, names)))):  # 2+ elements
        nodes = by_name[name]  # fewer distinct parents than elements: two of them are siblings
        two = len(nodes) == 2  # (the usual case: one parent read per element, no set)
        if nodes[0].parent is nodes[1].parent if two else len(set(map(_PARENT, nodes))) < len(nodes):
            repeated.add(name)
    return repeated


@RULES.group([_limit_rule(limit) for limit in _limits()])
def cardinalities(doc: UblDocument) -> Iterator[tuple[str, Node]]:
    # Every row is "count(path) <= n" with n >= 1: a count of 2 or more needs two same-named
    # siblings on its path. So only the rows through a name that is repeated below some parent
    # are evaluated (usually none: a one-off check of the counted names decides them all).
    repeated = _repeated(doc, _counted_names(doc))
    if not repeated:
        return
    for context, all_rows in _by_context():
        rows = [row for row, names in all_rows if names is None or not repeated.isdisjoint(names)]
        if not rows:
            continue
        if context == "/":
            nodes: list[Node] | tuple[Node, ...] = (doc.root,) if doc.is_ubl else ()
        else:
            nodes = _contexts(doc, context)  # each context list computed once for all its rows
        for node in nodes:
            kids = node._kids
            for rule_id, at_most, steps, counter in rows:
                if counter is not None:
                    if counter(node) > at_most:
                        yield rule_id, node
                    continue
                # count(a/b/c), following the usual single element per step without lists
                level = kids.get(steps[0])
                for step in steps[1:]:
                    if not level:
                        break
                    if len(level) == 1:
                        level = level[0]._kids.get(step)
                    else:
                        level = [kid for n in level for kid in n._kids.get(step, ())]
                if level and len(level) > at_most:
                    yield rule_id, node


def _distinct_values(doc: UblDocument, name: str) -> int:
    # count(//name[not(preceding::name/. = .)]): how many different values appear.
    nodes = doc.all(name)
    if len(nodes) < 2:  # (no string values to read)
        return len(nodes)
    return len({n.string_value for n in nodes})


def _sepa_ids(doc: UblDocument) -> int:
    # The nodes of matching("cac:PartyIdentification/cbc:ID"), without a walk over every cbc:ID.
    ids = [i for p in doc.all("cac:PartyIdentification") for i in p._kids.get("cbc:ID", ())]
    if len(ids) < 2:
        return len(ids)  # (fewer than two: no scheme to read for "more than one")
    return sum(1 for n in ids if (n.attr("schemeID") or "").upper() == "SEPA")


def _decide(doc: UblDocument) -> bool:
    """None of UBL-SR-44, 47, 48 fires (one item with one VAT category per line, one distinct payment
    reference and means code); False: not sure (fastpath.py)."""
    by_name = doc.by_name
    for name in LINE_NAMES:
        for line in by_name.get(name, ()):
            items = line._kids.get("cac:Item", ())
            if len(items) != 1 or len(items[0]._kids.get("cac:ClassifiedTaxCategory", ())) != 1:
                return False
    return not doc.is_ubl or (
        _distinct_values(doc, "cbc:PaymentID") < 2 and _distinct_values(doc, "cbc:PaymentMeansCode") < 2
    )


# The rules below in one group check (fastpath.py): SR-44/47/48 skipped at once when _decide holds.
_RULES = Folded(decided_once("cardinality.passes", _decide))


@_RULES.rule(
    "UBL-SR-29",
    "fatal",
    ro="Referința creditorului bancar (BT-90, cac:PartyIdentification/cbc:ID cu schemeID SEPA) poate apărea "
    "cel mult o dată.",
    en="The Bank assigned creditor identifier (BT-90, cac:PartyIdentification/cbc:ID with schemeID SEPA) may "
    "occur at most once.",
    needs=("cac:PartyIdentification",),
    covered=False,
)
def ubl_sr_29(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and _sepa_ids(doc) > 1:
        yield doc.root


@_RULES.rule(
    "UBL-SR-44",
    "fatal",
    ro="Factura poate avea o singură valoare a referinței plății (BT-83, cbc:PaymentID), folosită eventual "
    "în mai multe instrucțiuni de plată.",
    en="An invoice may have only one distinct Remittance information value (BT-83, cbc:PaymentID), possibly "
    "used in several payment means.",
    needs=("cbc:PaymentID",),
)
def ubl_sr_44(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and _distinct_values(doc, "cbc:PaymentID") > 1:
        yield doc.all("cbc:PaymentID")[1]


@_RULES.rule(
    "UBL-SR-47",
    "fatal",
    ro="Când există mai multe coduri de instrument de plată (BT-81), ele trebuie să fie identice.",
    en="When there is more than one Payment means type code (BT-81), they must be equal.",
    needs=("cbc:PaymentMeansCode",),
)
def ubl_sr_47(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and _distinct_values(doc, "cbc:PaymentMeansCode") > 1:
        yield doc.all("cbc:PaymentMeansCode")[1]


@_RULES.rule(
    "UBL-SR-48",
    "fatal",
    ro="Fiecare linie de factură trebuie să aibă exact o categorie de TVA a articolului (BG-30, "
    "cac:Item/cac:ClassifiedTaxCategory).",
    en="Each invoice line must have exactly one item VAT category (BG-30, "
    "cac:Item/cac:ClassifiedTaxCategory).",
    needs=("cac:InvoiceLine", "cac:CreditNoteLine"),
)
def ubl_sr_48(doc: UblDocument) -> Iterator[Node]:
    for line in (*doc.all("cac:InvoiceLine"), *doc.all("cac:CreditNoteLine")):
        # count(cac:Item/cac:ClassifiedTaxCategory), written out (per line)
        count = 0
        for item in line._kids.get("cac:Item", ()):
            count += len(item._kids.get("cac:ClassifiedTaxCategory", ()))
        if count != 1:
            yield line


@_RULES.rule(
    "UBL-SR-07",
    "fatal",
    ro="O referință la o factură anterioară (cac:BillingReference) trebuie să conțină numărul facturii "
    "anterioare (BT-25, cac:InvoiceDocumentReference/cbc:ID).",
    en="A preceding invoice reference (cac:BillingReference) must contain the Preceding invoice number "
    "(BT-25, cac:InvoiceDocumentReference/cbc:ID).",
    needs=("cac:BillingReference",),
    covered=False,
)
def ubl_sr_07(doc: UblDocument) -> Iterator[Node]:
    return (b for b in doc.all("cac:BillingReference") if not b.has("cac:InvoiceDocumentReference/cbc:ID"))


@_RULES.rule(
    "UBL-SR-43",
    "fatal",
    ro="Un document justificativ (cac:AdditionalDocumentReference) cu cbc:DocumentTypeCode trebuie să fie "
    "obiectul facturat (cod 130; la note de credit și 50); altfel eliminați codul și atributul scheme.",
    en="A supporting document (cac:AdditionalDocumentReference) with cbc:DocumentTypeCode must be the "
    "invoiced "
    "object (code 130; 50 also on credit notes); otherwise remove the code and the scheme attribute.",
    needs=("cac:AdditionalDocumentReference",),
    covered=False,
)
def ubl_sr_43(doc: UblDocument) -> Iterator[Node]:
    for ref in doc.all("cac:AdditionalDocumentReference"):
        codes = [c.text for c in ref.kids("cbc:DocumentTypeCode")]
        if "130" in codes or (doc.root.name == "CreditNote" and "50" in codes):
            continue
        # not(cbc:ID/@scheme): ANAF's copy tests an attribute named "scheme" (not schemeID).
        if not codes and not any(i.attr("scheme") is not None for i in ref.kids("cbc:ID")):
            continue
        yield ref


def _payee_differs(payee: Node) -> bool:
    """``(cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/.../cbc:RegistrationName)`` "
    "(existential)."""
    names = payee.values("cac:PartyName/cbc:Name")
    parent = payee.parent
    seller = (
        parent.values("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
        if (parent is not None)
        else []
    )
    return any(a != b for a in names for b in seller)


def _payee_rule(rule_id: str, ro: str, en: str, count: Count) -> None:
    def check(doc: UblDocument) -> Iterator[Node]:
        for payee in doc.all("cac:PayeeParty"):
            if not (count(payee) <= 1 and _payee_differs(payee)):
                yield payee

    _RULES.rule(
        rule_id,
        "fatal",
        ro=ro + " Beneficiarul (BG-10) se dă doar când diferă de vânzător (nume diferit de BT-27).",
        en=en + " The Payee (BG-10) is given only when it differs from the Seller (name other than BT-27).",
        needs=("cac:PayeeParty",),
        covered=False,
    )(check)


_payee_rule(
    "UBL-SR-19",
    "Numele beneficiarului plății (BT-59) trebuie să apară exact o dată.",
    "The Payee name (BT-59) must occur exactly once.",
    lambda p: p.count("cac:PartyName/cbc:Name"),
)
_payee_rule(
    "UBL-SR-20",
    "Identificatorul beneficiarului plății (BT-60) poate apărea cel mult o dată.",
    "The Payee identifier (BT-60) may occur at most once.",
    lambda p: sum(
        1 for i in p.findall("cac:PartyIdentification/cbc:ID") if (i.attr("schemeID") or "").upper() != "SEPA"
    ),
)
_payee_rule(
    "UBL-SR-21",
    "Identificatorul de înregistrare legală al beneficiarului (BT-61) poate apărea cel mult o dată.",
    "The Payee legal registration identifier (BT-61) may occur at most once.",
    lambda p: p.count("cac:PartyLegalEntity/cbc:CompanyID"),
)

_RULES.register(RULES)

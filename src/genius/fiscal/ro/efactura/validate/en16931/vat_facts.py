"""VAT category facts of one document (which categories appear where, which VAT ids exist), computed once.

Shared by the BR-S/Z/E/AE/K(IC)/G/O/L(IG)/M(IP)-* rules; every field names the XPath of ANAF's
schematron it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space
from genius.fiscal.ro.efactura.validate.en16931.selectors import (
    LINE_NAMES,
    is_allowance,
    is_charge,
    is_vat,
)
from genius.fiscal.ro.efactura.validate.en16931.vat_parties import PartyIds, party_ids
from genius.fiscal.ro.efactura.validate.en16931.vat_plain import PlainVat, plain_vat
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet


@dataclass(frozen=True, slots=True)
class VatCategory:
    """One VAT category code (UNCL 5305) and how the messages name it."""

    code: str  # BT-118 / BT-151 value: S, Z, E, AE, K, G, O, L, M
    prefix: str  # rule family: BR-S, BR-IC, ...
    name_ro: str
    name_en: str


CATEGORIES: tuple[VatCategory, ...] = (
    VatCategory("S", "BR-S", "„Cota standard” (S)", '"Standard rated" (S)'),
    VatCategory("Z", "BR-Z", "„Cota zero” (Z)", '"Zero rated" (Z)'),
    VatCategory("E", "BR-E", "„Scutit de TVA” (E)", '"Exempt from VAT" (E)'),
    VatCategory("AE", "BR-AE", "„Taxare inversă” (AE)", '"Reverse charge" (AE)'),
    VatCategory("K", "BR-IC", "„Livrare intracomunitară” (K)", '"Intra-community supply" (K)'),
    VatCategory("G", "BR-G", "„Export în afara UE” (G)", '"Export outside the EU" (G)'),
    VatCategory("O", "BR-O", "„În afara sferei TVA” (O)", '"Not subject to VAT" (O)'),
    VatCategory("L", "BR-IG", "„IGIC – Insulele Canare” (L)", '"IGIC – Canary Islands" (L)'),
    VatCategory("M", "BR-IP", "„IPSI – Ceuta și Melilla” (M)", '"IPSI – Ceuta and Melilla" (M)'),
)
BY_PREFIX = {c.prefix: c for c in CATEGORIES}
BY_CODE = {c.code: c for c in CATEGORIES}


@dataclass(slots=True)
class VatFacts:
    tax_categories: list[Node]  # //cac:TaxCategory
    classified: list[Node]  # //cac:ClassifiedTaxCategory
    charge_categories: list[Node]  # //cac:AllowanceCharge/cac:TaxCategory
    allowance_tc: list[Node]  # //cac:AllowanceCharge[cbc:ChargeIndicator=false()]/cac:TaxCategory
    charge_tc: list[Node]  # //cac:AllowanceCharge[cbc:ChargeIndicator=true()]/cac:TaxCategory
    root_allowance_tc: list[Node]  # /*/cac:AllowanceCharge[false()]/cac:TaxCategory
    root_charge_tc: list[Node]  # /*/cac:AllowanceCharge[true()]/cac:TaxCategory
    breakdown: list[Node]  # /*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory
    line_classified: list[Node]  # (cac:InvoiceLine|cac:CreditNoteLine)/cac:Item/cac:ClassifiedTaxCategory
    parties: PartyIds
    # normalize-space of every cbc:ID of any (Classified)TaxCategory: a category absent from this
    # set breaks none of its BR-<cat>-* rules, so they are skipped
    codes: frozenset[str]
    # normalize-space of every cbc:ID of a VAT-scheme (Classified)TaxCategory, and every raw cbc:ID
    vat_id_codes: frozenset[str]
    raw_id_codes: frozenset[str]
    # how many breakdown cbc:ID (VAT scheme) have each normalised code (BR-x-01 "count(...) = 1");
    # its keys are the codes of cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[VAT]/cbc:ID
    breakdown_vat_id_count: dict[str, int]
    # (code(category), is_vat(category)) of every (Classified)TaxCategory, computed once
    _info: dict[Node, tuple[str, bool]]
    _groups: dict[str, dict[str, list[tuple[Node, bool]]]]
    _coded: dict[tuple[str, str, bool], list[Node]]

    def coded(self, attr: str, value: str, vat: bool = True) -> list[Node]:
        """``<attr list>[normalize-space(cbc:ID) = value][cac:TaxScheme/... = 'VAT']`` (VAT filter optional).

        The list is grouped by code once per document, so the nine categories cost one pass; each
        answer is kept (callers only read it).
        """
        key = (attr, value, vat)
        found = self._coded.get(key)
        if found is not None:
            return found
        groups = self._groups.get(attr)
        if groups is None:
            groups = {}
            info = self._info
            for node in getattr(self, attr):
                node_code, node_vat = info[node]
                group = groups.get(node_code)
                if group is None:
                    groups[node_code] = [(node, node_vat)]
                else:
                    group.append((node, node_vat))
            self._groups[attr] = groups
        found = [n for n, is_vat_scheme in groups.get(value, ()) if is_vat_scheme or not vat]
        self._coded[key] = found
        return found


def vat_facts(doc: UblDocument) -> VatFacts:
    facts = doc.memo.get("vat_facts")
    if facts is not None:
        return facts  # type: ignore[return-value]
    tax_categories = list(doc.all("cac:TaxCategory"))
    in_charges = [
        tc for tc in tax_categories if tc.parent is not None and tc.parent.name == "cac:AllowanceCharge"
    ]
    root = doc.root
    breakdown = [
        tc
        for tt in root.kids("cac:TaxTotal")
        for st in tt.kids("cac:TaxSubtotal")
        for tc in st.kids("cac:TaxCategory")
    ]
    classified = list(doc.all("cac:ClassifiedTaxCategory"))
    line_classified = []
    for c in classified:
        item = c.parent
        if item is not None and item.name == "cac:Item":
            line = item.parent
            if line is not None and line.name in LINE_NAMES:
                line_classified.append(c)
    codes: set[str] = set()
    vat_id_codes: set[str] = set()
    raw_id_codes: set[str] = set()
    info: dict[Node, tuple[str, bool]] = {}
    for category in (*tax_categories, *classified):  # (one per line: children maps read directly)
        vat = is_vat(category)
        identifiers = category._kids.get("cbc:ID")
        if not identifiers:
            info[category] = ("", vat)
            continue
        for identifier in identifiers:
            text = identifier.text
            raw_id_codes.add(text)
            norm = normalize_space(text)
            codes.add(norm)
            if vat:
                vat_id_codes.add(norm)
        info[category] = (normalize_space(identifiers[0].text), vat)
    breakdown_vat_id_count: dict[str, int] = {}
    for category in breakdown:
        if info[category][1]:
            for identifier in category._kids.get("cbc:ID", ()):
                norm = normalize_space(identifier.text)
                breakdown_vat_id_count[norm] = breakdown_vat_id_count.get(norm, 0) + 1
    allowance_tc: list[Node] = []
    charge_tc: list[Node] = []
    root_allowance_tc: list[Node] = []
    root_charge_tc: list[Node] = []
    for tc in in_charges:
        charge = tc.parent
        assert charge is not None
        on_root = charge.parent is root
        if is_allowance(charge):
            allowance_tc.append(tc)
            if on_root:
                root_allowance_tc.append(tc)
        if is_charge(charge):
            charge_tc.append(tc)
            if on_root:
                root_charge_tc.append(tc)
    facts = VatFacts(
        tax_categories=tax_categories,
        classified=classified,
        charge_categories=in_charges,
        allowance_tc=allowance_tc,
        charge_tc=charge_tc,
        root_allowance_tc=root_allowance_tc,
        root_charge_tc=root_charge_tc,
        breakdown=breakdown,
        line_classified=line_classified,
        parties=party_ids(doc),
        codes=frozenset(codes),
        vat_id_codes=frozenset(vat_id_codes),
        raw_id_codes=frozenset(raw_id_codes),
        breakdown_vat_id_count=breakdown_vat_id_count,
        _info=info,
        _groups={},
        _coded={},
    )
    doc.memo["vat_facts"] = facts
    return facts


@dataclass(slots=True)
class Basis:
    """The sums BR-x-08 compares a VAT breakdown's taxable amount (BT-116) with."""

    lines: Decimal  # Σ BT-131 of the matching lines
    charges: Decimal  # Σ BT-99 of the matching document charges
    allowances: Decimal  # Σ BT-92 of the matching document allowances

    @property
    def total(self) -> Decimal:
        return self.lines + self.charges - self.allowances


@dataclass(slots=True)
class _Taxed:
    """One line or allowance/charge as BR-x-08 sees it: its category codes, rates and amount.

    Built once per element and document (a plain slots class: frozen dataclasses pay for
    ``object.__setattr__`` on every field, and BR-x-08 builds one per line).
    """

    codes: tuple[str, ...]  # normalize-space(cbc:ID) of each of its (Classified)TaxCategory
    rates: tuple[Decimal, ...]  # xs:decimal(cbc:Percent) of each of them
    amount: Decimal  # Σ xs:decimal(cbc:LineExtensionAmount) or Σ xs:decimal(cbc:Amount)
    charge: bool
    allowance: bool

    def matches(self, value: str, rate: Decimal | None) -> bool:
        # [.../normalize-space(cbc:ID) = value][.../xs:decimal(cbc:Percent) = $rate]: two independent
        # existential predicates over all the categories.
        return value in self.codes and (rate is None or rate in self.rates)


_ZERO = Decimal(0)


def _taxed(doc: UblDocument, node: Node, categories: list[Node] | tuple[Node, ...], amounts: str) -> _Taxed:
    # (node._kids.get(name, ()) is node.kids(name) without the call: this runs per line.)
    # Codes and rates are only ever tested for membership (``in``): tuples serve as well as sets.
    codes = []
    rates = []
    for c in categories:
        ids = c._kids.get("cbc:ID")
        codes.append(normalize_space(ids[0].text) if ids else "")  # code(c)
        for p in c._kids.get("cbc:Percent", ()):
            r = doc.decimal(p)
            if r is not None:
                rates.append(r)
    total = _ZERO  # sum(..., Decimal(0)): the same additions in the same order (exponents included)
    for a in node._kids.get(amounts, ()):
        total = total + (doc.decimal(a) or _ZERO)
    if amounts == _LINE_AMOUNT:  # a line: its charge/allowance flags are never read (see basis)
        return _Taxed(tuple(codes), tuple(rates), total, False, False)
    return _Taxed(tuple(codes), tuple(rates), total, is_charge(node), is_allowance(node))


_LINE_AMOUNT = "cbc:LineExtensionAmount"


def _taxed_of(doc: UblDocument, nodes: list[Node] | tuple[Node, ...], lines: bool) -> list[_Taxed]:
    """``_taxed`` of each node, each computed once per document (root lists are subsets of ``//``)."""
    cache = doc.memo.get("vat.taxed")
    if cache is None:
        cache = doc.memo["vat.taxed"] = {}
    out = []
    for node in nodes:
        taxed = cache.get(node)  # type: ignore[union-attr]
        if taxed is None:
            if lines:
                categories = [
                    c
                    for item in node._kids.get("cac:Item", ())
                    for c in item._kids.get("cac:ClassifiedTaxCategory", ())
                ]
                taxed = _taxed(doc, node, categories, _LINE_AMOUNT)
            else:
                taxed = _taxed(doc, node, node.kids("cac:TaxCategory"), "cbc:Amount")
            cache[node] = taxed  # type: ignore[index]
        out.append(taxed)
    return out


def _taxed_lines(doc: UblDocument, line_name: str, anywhere: bool) -> list[_Taxed]:
    key = f"vat.taxed.{line_name}.{anywhere}"
    found = doc.memo.get(key)
    if found is None:
        lines = doc.all(line_name) if anywhere else doc.root.kids(line_name)
        found = doc.memo[key] = _taxed_of(doc, lines, lines=True)
    return found  # type: ignore[return-value]


def _taxed_charges(doc: UblDocument, anywhere: bool) -> list[_Taxed]:
    key = f"vat.taxed.charges.{anywhere}"
    found = doc.memo.get(key)
    if found is None:
        charges = doc.all("cac:AllowanceCharge") if anywhere else doc.root.kids("cac:AllowanceCharge")
        found = doc.memo[key] = _taxed_of(doc, charges, lines=False)
    return found  # type: ignore[return-value]


def basis(doc: UblDocument, line_name: str, value: str, rate: Decimal | None) -> Basis:
    """Sums over ``/*/line_name`` and ``/*/cac:AllowanceCharge`` whose category is ``value`` (and
    whose rate equals ``rate`` when given), as in ``sum(../../../cac:InvoiceLine[...]/...)``."""
    # (t.matches(value, rate) written out: this runs per line and breakdown group)
    lines = _ZERO
    for t in _taxed_lines(doc, line_name, False):
        if value in t.codes and (rate is None or rate in t.rates):
            lines = lines + t.amount
    charges = allowances = _ZERO
    for t in _taxed_charges(doc, False):
        if value in t.codes and (rate is None or rate in t.rates):
            if t.charge:
                charges += t.amount
            if t.allowance:
                allowances += t.amount
    return Basis(lines, charges, allowances)


def any_with_rate(doc: UblDocument, line_name: str, value: str, rate: Decimal) -> bool:
    """``exists(//line_name[...category value, rate...]) or exists(//cac:AllowanceCharge[...])`` (BR-S-08)."""
    for t in _taxed_lines(doc, line_name, True):
        if value in t.codes and rate in t.rates:  # t.matches(value, rate), written out
            return True
    for t in _taxed_charges(doc, True):  # noqa: SIM110
        if t.matches(value, rate):
            return True
    return False


CategoryCheck = Callable[[UblDocument], Iterable[Node | Hit]]
# plain_pass(doc, facts, code): True only when every rule of that category holds on a plain document
PlainPass = Callable[[UblDocument, PlainVat, str], bool]


class CategoryRules:
    """The per-category rules of one module, run as one group that skips absent categories.

    A category whose code appears in no (Classified)TaxCategory breaks none of its rules, so a
    typical invoice (one or two categories) pays for two categories, not nine. On a plain document
    (vat_plain) a category whose ``plain_pass`` holds is skipped too: its rules would find nothing.
    """

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules
        self._table: list[tuple[Rule, str, CategoryCheck]] = []

    def rule(
        self, rule_id: str, category: str, *, ro: str, en: str
    ) -> Callable[[CategoryCheck], CategoryCheck]:
        def add(check: CategoryCheck) -> CategoryCheck:
            self._table.append((Rule(rule_id, "fatal", ro, en), category, check))
            return check

        return add

    def register(self, plain_pass: PlainPass) -> None:
        table = tuple(self._table)
        # the table in runs of one category (registration order, so findings keep their order)
        runs: list[tuple[str, list[tuple[str, CategoryCheck]]]] = []
        for rule, category, check in table:
            if not runs or runs[-1][0] != category:
                runs.append((category, []))
            runs[-1][1].append((rule.rule_id, check))

        def by_category(doc: UblDocument) -> Iterator[tuple[str, Node | Hit]]:
            plain = plain_vat(doc)
            if plain is None:
                present = vat_facts(doc).codes
                for rule, category, check in table:
                    if category in present:
                        for violation in check(doc):
                            yield rule.rule_id, violation
                return
            present = plain.codes
            for category, checks in runs:
                if category in present and not plain_pass(doc, plain, category):
                    for rule_id, check in checks:
                        for violation in check(doc):
                            yield rule_id, violation

        self._rules.group([rule for rule, _, _ in table])(by_category)

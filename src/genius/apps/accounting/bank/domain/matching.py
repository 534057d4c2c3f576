"""The matcher: bank lines against open invoices -> candidates with a confidence, and when to trust one.

Evidence and what it adds to a candidate's confidence (0..1, clamped):

=====================================  ======  ==============================================
evidence                               weight  note
=====================================  ======  ==============================================
invoice series and number in details    +0.60  "fact GEN-0042", "EPS 2026/118"
number alone, in an invoice context     +0.40  "FCT 42" (the series may be another's)
amount equals what is open              +0.30  partial payment +0.05, more than open -0.10
partner's CUI or a known IBAN           +0.30  CUI/IBAN of another partner: -0.60
partner's name (RapidFuzz) >= 90        +0.20  >= 80: +0.08
the only open item of that partner      +0.25  with the exact amount, partner known by CUI/IBAN
  with that amount (no number given)
paid more than 3 days before issue      -0.30  it cannot quote a number not yet issued
the details spell out another invoice   -0.20  of the same partner, or open for the amount
partial, but another open invoice of    -0.15  a wrong digit in the number is likelier
  the partner has exactly the amount
=====================================  ======  ==============================================

Several invoices of one partner settled by one line (2 or 3, their open amounts adding up
exactly) score the same way: every invoice named +0.60 (+0.45 when some only by number, +0.20 x
the share named when only some are), the exact sum +0.30, the partner +0.30/+0.20/+0.08, and
+0.15 when no number is given but it is the only such combination of that partner.

A line is reconciled automatically when its best candidate reaches ``AUTO_RECONCILE_THRESHOLD``
and the runner-up trails by at least ``AMBIGUITY_MARGIN``; otherwise its candidates above
``MIN_CANDIDATE_CONFIDENCE`` wait for a person to confirm one. docs/bank-matching.md measures
the precision and recall these numbers give.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from enum import IntEnum
from typing import Final

from genius.apps.accounting.bank.domain.model import Allocation, Candidate, Decision, LineFacts, OpenItem
from genius.apps.accounting.bank.domain.names import name_similarity, normalise_name
from genius.apps.accounting.bank.domain.references import (
    NumberKey,
    Reference,
    Strength,
    extract_references,
    number_key,
    strength,
)

# -- tunables ----------------------------------------------------------------------------------
# Reconcile and post without a person at or above this confidence (measured: docs/bank-matching.md).
AUTO_RECONCILE_THRESHOLD: Final = 0.85
# The best candidate must lead the next by this much to be applied automatically.
AMBIGUITY_MARGIN: Final = 0.15
# Candidates below this are not shown to a person.
MIN_CANDIDATE_CONFIDENCE: Final = 0.30
MAX_CANDIDATES: Final = 5
# Combinations are searched among this many open items of one partner (oldest due first).
MAX_COMBINATION_ITEMS: Final = 24
MAX_COMBINATION_SIZE: Final = 3
NAME_STRONG: Final = 90.0
NAME_WEAK: Final = 80.0
EARLY_PAYMENT_DAYS: Final = 3

W_REF_FULL: Final = 0.60
W_REF_NUMBER: Final = 0.40
W_AMOUNT_EXACT: Final = 0.30
W_AMOUNT_PARTIAL: Final = 0.05
W_AMOUNT_OVER: Final = -0.10
W_PARTNER_ID: Final = 0.30
W_NAME_STRONG: Final = 0.20
W_NAME_WEAK: Final = 0.08
W_PARTNER_CONFLICT: Final = -0.60
W_UNIQUE_AMOUNT: Final = 0.25
W_EARLY: Final = -0.30
W_OTHER_NAMED: Final = -0.20
W_EXACT_ELSEWHERE: Final = -0.15
W_COMBO_ALL_FULL: Final = 0.60
W_COMBO_ALL_NAMED: Final = 0.45
W_COMBO_SOME_NAMED: Final = 0.20
W_COMBO_UNIQUE: Final = 0.15


class PartnerEvidence(IntEnum):
    CONFLICT = -1
    NONE = 0
    NAME_WEAK = 1
    NAME_STRONG = 2
    ID = 3


_PARTNER_WEIGHT: Final = {
    PartnerEvidence.CONFLICT: W_PARTNER_CONFLICT,
    PartnerEvidence.NONE: 0.0,
    PartnerEvidence.NAME_WEAK: W_NAME_WEAK,
    PartnerEvidence.NAME_STRONG: W_NAME_STRONG,
    PartnerEvidence.ID: W_PARTNER_ID,
}


def partner_key(item: OpenItem) -> str:
    return item.partner_id or f"name:{normalise_name(item.partner_name)}"


@dataclass
class _Book:
    """The open items, indexed for one run over many lines."""

    items: dict[str, OpenItem]  # open items only; an item leaves when nothing is open any more
    keys: dict[str, NumberKey | None]
    by_core: dict[int, list[str]]
    by_partner: dict[str, list[str]]
    iban_owner: dict[str, str]
    cui_owner: dict[str, str]

    def partner_items(self, owner: str) -> list[OpenItem]:
        return [self.items[i] for i in self.by_partner.get(owner, ()) if i in self.items]

    def core_items(self, core: int) -> list[OpenItem]:
        return [self.items[i] for i in self.by_core.get(core, ()) if i in self.items]

    def settle(self, allocation: Allocation) -> None:
        item = self.items[allocation.item_id]
        left = item.open_amount - allocation.amount
        if left > 0:
            self.items[item.id] = replace(item, open_amount=left)
        else:
            del self.items[item.id]


def index(items: Iterable[OpenItem]) -> _Book:
    book = _Book({}, {}, defaultdict(list), defaultdict(list), {}, {})
    for item in items:
        if item.open_amount <= 0:
            continue
        book.items[item.id] = item
        key = number_key(item.number)
        book.keys[item.id] = key
        if key is not None:
            book.by_core[key.core].append(item.id)
        owner = partner_key(item)
        book.by_partner[owner].append(item.id)
        for iban in item.partner_ibans:
            book.iban_owner[iban] = owner
        if item.partner_cui:
            book.cui_owner[item.partner_cui] = owner
    for group in book.by_partner.values():
        group.sort(key=lambda i: (book.items[i].due_date or book.items[i].issue_date, book.items[i].number))
    return book


class Matcher:
    """Scores lines against one set of open items (build once, ``decide`` per line)."""

    def __init__(
        self,
        items: Iterable[OpenItem],
        *,
        threshold: float = AUTO_RECONCILE_THRESHOLD,
        margin: float = AMBIGUITY_MARGIN,
    ) -> None:
        self.book = index(items)
        self.threshold = threshold
        self.margin = margin

    def decide(self, line: LineFacts) -> Decision:
        candidates = self.candidates(line)
        auto = None
        if candidates and candidates[0].confidence >= self.threshold:
            runner_up = candidates[1].confidence if len(candidates) > 1 else 0.0
            if candidates[0].confidence - runner_up >= self.margin:
                auto = candidates[0]
        return Decision(line.id, tuple(candidates), auto)

    # -- candidates ----------------------------------------------------------------------------
    def candidates(self, line: LineFacts) -> list[Candidate]:
        if line.amount == 0:
            return []
        pay = abs(line.amount)
        refs = extract_references(" ".join(p for p in (line.remittance, line.end_to_end_id or "") if p))
        eligible = [
            i for i in self.book.items.values() if i.kind is line.kind and i.currency == line.currency
        ]
        if not eligible:
            return []
        evidence = _PartnerJudge(line, self.book)
        named: dict[str, Strength] = {}
        spelled: set[str] = set()  # named with a series written out (not the word FCT standing for it)
        for ref in refs:
            for core in ref.cores:
                for item in self.book.core_items(core):
                    if item.kind is not line.kind or item.currency != line.currency:
                        continue
                    found = strength(ref, self.book.keys[item.id])  # type: ignore[arg-type]
                    if found > named.get(item.id, Strength.NONE):
                        named[item.id] = found
                    if found is Strength.FULL and ref.series:
                        spelled.add(item.id)
        pool: dict[str, OpenItem] = {i: self.book.items[i] for i in named}
        for item in eligible:
            if evidence.of(item) >= PartnerEvidence.NAME_WEAK:
                pool[item.id] = item
        same_amount = [i for i in eligible if i.open_amount == pay]
        if len(same_amount) <= MAX_CANDIDATES:
            pool.update({i.id: i for i in same_amount})
        found: dict[tuple[str, ...], Candidate] = {}
        for item in pool.values():
            candidate = self._single(line, pay, item, named.get(item.id, Strength.NONE), evidence)
            found[candidate.item_ids] = candidate
        for combo in self._combinations(line, pay, named, evidence):
            found[combo.item_ids] = combo
        for key, candidate in found.items():
            rival = self._rival(spelled, key, pay)
            if rival is not None:
                found[key] = replace(
                    candidate,
                    confidence=_clamp(candidate.confidence + W_OTHER_NAMED),
                    reasons=(*candidate.reasons, f"the details name invoice {rival.number} instead"),
                )
        ranked = sorted(
            (c for c in found.values() if c.confidence >= MIN_CANDIDATE_CONFIDENCE),
            key=lambda c: (-c.confidence, len(c.allocations), c.item_ids),
        )
        return ranked[:MAX_CANDIDATES]

    def _rival(self, spelled: set[str], key: tuple[str, ...], pay: Decimal) -> OpenItem | None:
        """An invoice the details name in full that the candidate leaves out, and that could
        really be meant: it is the same partner's, or it is open for exactly the amount paid.
        (A named invoice of another partner and another amount is a typo in the number.)"""
        if not spelled or spelled.intersection(key):
            return None
        owners = {partner_key(self.book.items[i]) for i in key}
        for item_id in sorted(spelled):
            item = self.book.items[item_id]
            if partner_key(item) in owners or item.open_amount == pay:
                return item
        return None

    def _single(
        self, line: LineFacts, pay: Decimal, item: OpenItem, named: Strength, evidence: _PartnerJudge
    ) -> Candidate:
        score = 0.0
        reasons: list[str] = []
        if named is Strength.FULL:
            score += W_REF_FULL
            reasons.append(f"invoice {item.number} is named in the payment details")
        elif named is Strength.NUMBER:
            score += W_REF_NUMBER
            reasons.append(f"the number of invoice {item.number} is in the payment details (without series)")
        if pay == item.open_amount:
            score += W_AMOUNT_EXACT
            reasons.append(f"the amount {pay} is what is open")
        elif pay < item.open_amount:
            score += W_AMOUNT_PARTIAL
            reasons.append(f"partial payment: {pay} of {item.open_amount} open")
            twin = next(
                (
                    i
                    for i in self.book.partner_items(partner_key(item))
                    if i.open_amount == pay and i.id != item.id
                ),
                None,
            )
            if twin is not None:
                score += W_EXACT_ELSEWHERE
                reasons.append(f"invoice {twin.number} of the same partner has exactly this amount open")
        else:
            score += W_AMOUNT_OVER
            reasons.append(f"more than open: {pay} paid, {item.open_amount} open")
        partner = evidence.of(item)
        score += _PARTNER_WEIGHT[partner]
        reasons.extend(evidence.reasons(item))
        if named is Strength.NONE and pay == item.open_amount and partner is PartnerEvidence.ID:
            same = [i for i in self.book.partner_items(partner_key(item)) if i.open_amount == pay]
            if len(same) == 1:
                score += W_UNIQUE_AMOUNT
                reasons.append("the partner's only open invoice of this amount")
        if line.booking_date < item.issue_date - timedelta(days=EARLY_PAYMENT_DAYS):
            score += W_EARLY
            reasons.append(f"paid on {line.booking_date}, before the invoice's date {item.issue_date}")
        applied = min(pay, item.open_amount)
        return Candidate(
            (Allocation(item.id, applied),), _clamp(score), tuple(reasons), partner_id=item.partner_id
        )

    def _combinations(
        self, line: LineFacts, pay: Decimal, named: dict[str, Strength], evidence: _PartnerJudge
    ) -> list[Candidate]:
        groups: dict[str, list[OpenItem]] = defaultdict(list)
        for item_id in named:
            item = self.book.items[item_id]
            groups[partner_key(item)].append(item)
        best = evidence.best_partners()
        for owner in best:
            for item in self.book.partner_items(owner)[:MAX_COMBINATION_ITEMS]:
                if item.kind is line.kind and item.currency == line.currency and item not in groups[owner]:
                    groups[owner].append(item)
        out: list[Candidate] = []
        for members in groups.values():
            items = members[:MAX_COMBINATION_ITEMS]
            sums: list[tuple[OpenItem, ...]] = []
            for size in range(2, MAX_COMBINATION_SIZE + 1):
                for combo in itertools.combinations(items, size):
                    if sum((i.open_amount for i in combo), Decimal(0)) == pay:
                        sums.append(combo)
            single_exact = any(i.open_amount == pay for i in items)
            for combo in sums:
                out.append(self._combo(combo, named, evidence, unique=len(sums) == 1 and not single_exact))
        return out

    def _combo(
        self, combo: Sequence[OpenItem], named: dict[str, Strength], evidence: _PartnerJudge, *, unique: bool
    ) -> Candidate:
        strengths = [named.get(i.id, Strength.NONE) for i in combo]
        numbers = ", ".join(i.number for i in combo)
        score = 0.0
        reasons = [f"{len(combo)} invoices ({numbers}) add up to the amount"]
        if all(s is Strength.FULL for s in strengths):
            score += W_COMBO_ALL_FULL
            reasons.append("every one is named in the payment details")
        elif all(s > Strength.NONE for s in strengths):
            score += W_COMBO_ALL_NAMED
            reasons.append("every one's number is in the payment details")
        elif any(s > Strength.NONE for s in strengths):
            share = sum(1 for s in strengths if s > Strength.NONE) / len(strengths)
            score += W_COMBO_SOME_NAMED * share
            reasons.append("some are named in the payment details")
        score += W_AMOUNT_EXACT
        partner = min(evidence.of(i) for i in combo)
        score += _PARTNER_WEIGHT[partner]
        reasons.extend(evidence.reasons(combo[0]))
        if unique and all(s is Strength.NONE for s in strengths):
            score += W_COMBO_UNIQUE
            reasons.append("the only combination of the partner's open invoices with this sum")
        allocations = tuple(Allocation(i.id, i.open_amount) for i in combo)
        return Candidate(allocations, _clamp(score), tuple(reasons), partner_id=combo[0].partner_id)


class _PartnerJudge:
    """How strongly a line's counterparty is each item's partner (cached per partner)."""

    def __init__(self, line: LineFacts, book: _Book) -> None:
        self.line = line
        self.book = book
        self._cache: dict[str, tuple[PartnerEvidence, tuple[str, ...]]] = {}

    def of(self, item: OpenItem) -> PartnerEvidence:
        return self._judge(item)[0]

    def reasons(self, item: OpenItem) -> tuple[str, ...]:
        return self._judge(item)[1]

    def best_partners(self) -> list[str]:
        """Partners identified by CUI/IBAN, or else by a strong name match."""
        line = self.line
        owners = {
            o
            for o in (
                self.book.cui_owner.get(line.counterparty_cui or ""),
                self.book.iban_owner.get(line.counterparty_iban or ""),
            )
            if o
        }
        if owners:
            return sorted(owners)
        if not line.counterparty_name:
            return []
        scored = []
        for owner in self.book.by_partner:
            items = self.book.partner_items(owner)
            if items and self.of(items[0]) is PartnerEvidence.NAME_STRONG:
                scored.append(owner)
        return scored

    def _judge(self, item: OpenItem) -> tuple[PartnerEvidence, tuple[str, ...]]:
        owner = partner_key(item)
        cached = self._cache.get(owner)
        if cached is not None:
            return cached
        line = self.line
        result: tuple[PartnerEvidence, tuple[str, ...]] | None = None
        cui, iban = line.counterparty_cui, line.counterparty_iban
        if cui and item.partner_cui:
            if cui == item.partner_cui:
                result = (PartnerEvidence.ID, (f"the payer's CUI {cui} is the partner's",))
            else:
                why = f"the CUI in the details ({cui}) is not the partner's ({item.partner_cui})"
                result = (PartnerEvidence.CONFLICT, (why,))
        if result is None and iban:
            known_owner = self.book.iban_owner.get(iban)
            if iban in item.partner_ibans:
                result = (PartnerEvidence.ID, (f"the account {iban} is the partner's",))
            elif known_owner is not None and known_owner != owner:
                result = (PartnerEvidence.CONFLICT, (f"the account {iban} belongs to another partner",))
        if result is None:
            similarity = name_similarity(line.counterparty_name, item.partner_name)
            if similarity >= NAME_STRONG:
                result = (
                    PartnerEvidence.NAME_STRONG,
                    (f"the name matches the partner's ({similarity:.0f}%)",),
                )
            elif similarity >= NAME_WEAK:
                result = (PartnerEvidence.NAME_WEAK, (f"the name resembles ({similarity:.0f}%)",))
            else:
                result = (PartnerEvidence.NONE, ())
        self._cache[owner] = result
        return result


def _clamp(score: float) -> float:
    return round(max(0.0, min(1.0, score)), 4)


def match_lines(
    lines: Iterable[LineFacts], items: Iterable[OpenItem], *, threshold: float = AUTO_RECONCILE_THRESHOLD
) -> list[Decision]:
    """Decide every line against the same open items, in order: an automatic match settles its
    invoices before the next line is looked at, so one invoice is not paid twice."""
    matcher = Matcher(items, threshold=threshold)
    decisions: list[Decision] = []
    for line in lines:
        decision = matcher.decide(line)
        decisions.append(decision)
        if decision.auto is not None:
            for allocation in decision.auto.allocations:
                matcher.book.settle(allocation)
    return decisions


__all__ = [
    "AMBIGUITY_MARGIN",
    "AUTO_RECONCILE_THRESHOLD",
    "MIN_CANDIDATE_CONFIDENCE",
    "Matcher",
    "PartnerEvidence",
    "Reference",
    "match_lines",
]

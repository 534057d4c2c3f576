"""The matcher: bank lines against open invoices -> candidates with a confidence, and when to trust one.

Evidence and its weights (the table) are in ``weights``; the open items' index in ``book``; who the
payer is in ``partners``. This module scores single invoices and combinations of one partner's
invoices and decides.

A line is reconciled automatically when its best candidate reaches ``AUTO_RECONCILE_THRESHOLD``
and the runner-up trails by at least ``AMBIGUITY_MARGIN``; otherwise its candidates above
``MIN_CANDIDATE_CONFIDENCE`` wait for a person to confirm one. docs/bank-matching.md measures
the precision and recall these numbers give.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from genius.apps.accounting.bank.domain.book import OpenBook, index, partner_key
from genius.apps.accounting.bank.domain.model import Allocation, Candidate, Decision, LineFacts, OpenItem
from genius.apps.accounting.bank.domain.partners import PartnerJudge
from genius.apps.accounting.bank.domain.references import Reference, Strength, extract_references, strength
from genius.apps.accounting.bank.domain.weights import (
    AMBIGUITY_MARGIN,
    AUTO_RECONCILE_THRESHOLD,
    EARLY_PAYMENT_DAYS,
    MAX_CANDIDATES,
    MAX_COMBINATION_ITEMS,
    MAX_COMBINATION_SIZE,
    MIN_CANDIDATE_CONFIDENCE,
    PARTNER_WEIGHT,
    W_AMOUNT_EXACT,
    W_AMOUNT_OVER,
    W_AMOUNT_PARTIAL,
    W_COMBO_ALL_FULL,
    W_COMBO_ALL_NAMED,
    W_COMBO_SOME_NAMED,
    W_COMBO_UNIQUE,
    W_EARLY,
    W_EXACT_ELSEWHERE,
    W_OTHER_NAMED,
    W_REF_FULL,
    W_REF_NUMBER,
    W_UNIQUE_AMOUNT,
    PartnerEvidence,
)


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
        evidence = PartnerJudge(line, self.book)
        named: dict[str, Strength] = {}
        spelled: set[str] = set()  # named with a series written out (not the word FCT standing for it)
        foreign: dict[str, Strength] = {}  # currency invoices a lei line names (cross_currency)
        for ref in refs:
            for core in ref.cores:
                for item in self.book.core_items(core):
                    if item.kind is line.kind and item.currency != line.currency and line.currency == "RON":
                        said = strength(ref, self.book.keys[item.id])  # type: ignore[arg-type]
                        if said > foreign.get(item.id, Strength.NONE):
                            foreign[item.id] = said
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
                    confidence=clamp(candidate.confidence + W_OTHER_NAMED),
                    reasons=(*candidate.reasons, f"the details name invoice {rival.number} instead"),
                )
        for item_id, named_as in foreign.items():
            cross = self._cross_currency(pay, self.book.items[item_id], named_as, evidence)
            found[cross.item_ids] = cross
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
        self, line: LineFacts, pay: Decimal, item: OpenItem, named: Strength, evidence: PartnerJudge
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
        score += PARTNER_WEIGHT[partner]
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
            (Allocation(item.id, applied),), clamp(score), tuple(reasons), partner_id=item.partner_id
        )

    def _cross_currency(
        self, pay: Decimal, item: OpenItem, named: Strength, evidence: PartnerJudge
    ) -> Candidate:
        """A lei line naming a currency invoice: proposed, never applied on its own (what the lei
        clear of it depends on the day's BNR rate, which the ledger applies when a person confirms)."""
        score = W_REF_FULL if named is Strength.FULL else W_REF_NUMBER
        score += PARTNER_WEIGHT[evidence.of(item)]
        reasons = (
            f"invoice {item.number} ({item.open_amount} {item.currency} open) is named in the details",
            "paid in lei: cleared at the BNR rate of the booking date when confirmed",
            *evidence.reasons(item),
        )
        capped = min(clamp(score), round(self.threshold - 0.01, 4))
        return Candidate((Allocation(item.id, pay),), capped, reasons, partner_id=item.partner_id)

    def _combinations(
        self, line: LineFacts, pay: Decimal, named: dict[str, Strength], evidence: PartnerJudge
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
        self, combo: Sequence[OpenItem], named: dict[str, Strength], evidence: PartnerJudge, *, unique: bool
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
        score += PARTNER_WEIGHT[partner]
        reasons.extend(evidence.reasons(combo[0]))
        if unique and all(s is Strength.NONE for s in strengths):
            score += W_COMBO_UNIQUE
            reasons.append("the only combination of the partner's open invoices with this sum")
        allocations = tuple(Allocation(i.id, i.open_amount) for i in combo)
        return Candidate(allocations, clamp(score), tuple(reasons), partner_id=combo[0].partner_id)


def clamp(score: float) -> float:
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
    "OpenBook",
    "PartnerEvidence",
    "PartnerJudge",
    "Reference",
    "index",
    "match_lines",
    "partner_key",
]

"""Who the payer is: a bank line's counterparty judged against each open item's partner."""

from __future__ import annotations

from genius.apps.accounting.bank.domain.book import OpenBook, partner_key
from genius.apps.accounting.bank.domain.model import LineFacts, OpenItem
from genius.apps.accounting.bank.domain.names import name_similarity
from genius.apps.accounting.bank.domain.weights import NAME_STRONG, NAME_WEAK, PartnerEvidence


class PartnerJudge:
    """How strongly a line's counterparty is each item's partner (cached per partner)."""

    def __init__(self, line: LineFacts, book: OpenBook) -> None:
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

"""The open items of one matching run, indexed by invoice number, partner, IBAN and CUI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from genius.apps.accounting.bank.domain.model import Allocation, OpenItem
from genius.apps.accounting.bank.domain.names import normalise_name
from genius.apps.accounting.bank.domain.references import NumberKey, number_key


def partner_key(item: OpenItem) -> str:
    return item.partner_id or f"name:{normalise_name(item.partner_name)}"


@dataclass
class OpenBook:
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


def index(items: Iterable[OpenItem]) -> OpenBook:
    book = OpenBook({}, {}, defaultdict(list), defaultdict(list), {}, {})
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

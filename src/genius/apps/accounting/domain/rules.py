"""Posting rules as data: which account a sales or purchase line goes to, and the tenant's settings.

A tenant adjusts rules per product category or per VAT category; the defaults follow
RO-ACCOUNTING.md §2. Resolution, most specific first: ``product_category`` -> ``vat_category``
-> ``item_kind`` -> ``default``.

A product category is the item classification the documents carry (``STI:<CPV code>``,
``HS:<NC code>``, fiscal/ro/efactura/classes.py) or any label a tenant gives. Both CPV and the
Combined Nomenclature are trees coded by prefix (CPV: 2 digits division, 3 group, 4 class; NC: 2
chapter, 4 heading), so a category rule matches its value exactly or as a prefix, the longest
matching value winning: ``STI:702`` covers ``STI:70210000-6`` (renting of own residential
property).

=========  ================  ============  =========================================
flow       selector          value         account (default)
=========  ================  ============  =========================================
sales      item_kind         goods         707 Venituri din vânzarea mărfurilor
sales      item_kind         service       704 Venituri din servicii prestate
sales      item_kind         own_product   7015 Venituri din vânzarea produselor finite
sales      item_kind         other         708 Venituri din activități diverse
sales      product_category  STI:702       706 Venituri din redevențe, locații de gestiune și chirii
                                               (CPV 70200000-3 renting or leasing of own property)
sales      default                         707
purchase   item_kind         goods         371 Mărfuri
purchase   item_kind         material      302 Materiale consumabile (3028 if developed)
purchase   item_kind         service       628 Alte cheltuieli cu serviciile executate de terți
purchase   item_kind         fixed_asset   2131 Echipamente tehnologice
purchase   default                         628
=========  ================  ============  =========================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from genius.kernel.errors import ValidationError


class Flow(StrEnum):
    SALES = "sales"
    PURCHASE = "purchase"


class Selector(StrEnum):
    PRODUCT_CATEGORY = "product_category"
    VAT_CATEGORY = "vat_category"
    ITEM_KIND = "item_kind"
    DEFAULT = "default"


class CreditNoteMode(StrEnum):
    RED = "red"  # storno în roșu: the invoice's entry again with negative amounts (default)
    BLACK = "black"  # în negru: sides swapped, positive amounts


@dataclass(frozen=True)
class PostingRule:
    flow: Flow
    selector: Selector
    value: str  # "" for the default rule
    account: str
    description: str = ""


DEFAULT_RULES: tuple[PostingRule, ...] = (
    PostingRule(Flow.SALES, Selector.ITEM_KIND, "goods", "707", "Mărfuri vândute"),
    PostingRule(Flow.SALES, Selector.ITEM_KIND, "service", "704", "Servicii prestate"),
    PostingRule(Flow.SALES, Selector.ITEM_KIND, "own_product", "7015", "Produse finite"),
    PostingRule(Flow.SALES, Selector.ITEM_KIND, "other", "708", "Activități diverse"),
    PostingRule(Flow.SALES, Selector.PRODUCT_CATEGORY, "STI:702", "706", "Chirii (CPV 702: bunuri proprii)"),
    PostingRule(Flow.SALES, Selector.DEFAULT, "", "707", "Vânzări fără alt criteriu"),
    PostingRule(Flow.PURCHASE, Selector.ITEM_KIND, "goods", "371", "Mărfuri cumpărate"),
    PostingRule(Flow.PURCHASE, Selector.ITEM_KIND, "material", "3028", "Alte materiale consumabile"),
    PostingRule(Flow.PURCHASE, Selector.ITEM_KIND, "service", "628", "Servicii de la terți"),
    PostingRule(Flow.PURCHASE, Selector.ITEM_KIND, "fixed_asset", "2131", "Echipamente"),
    PostingRule(Flow.PURCHASE, Selector.DEFAULT, "", "628", "Cumpărări fără alt criteriu"),
)


@dataclass(frozen=True)
class AccountingSettings:
    """The tenant's account choices for automatic postings (stored as key/value rows)."""

    receivable_account: str = "4111"
    payable_account: str = "401"
    vat_collected_account: str = "4427"
    vat_deductible_account: str = "4426"
    vat_payable_account: str = "4423"
    vat_recoverable_account: str = "4424"
    fx_loss_account: str = "6651"
    fx_gain_account: str = "7651"
    credit_note_mode: CreditNoteMode = CreditNoteMode.RED
    partner_analytics: bool = True  # one analytic per customer/supplier (4111.00023, 401.00007)
    # Treasury accounts of a statement whose IBAN is not configured (domain/treasury.py).
    bank_ron_account: str = "5121"  # Conturi la bănci în lei
    bank_currency_account: str = "5124"  # Conturi la bănci în valută
    bank_analytics: bool = False  # one analytic per new IBAN (5121.01, 5124.01) on first use

    def with_values(self, values: Mapping[str, Any]) -> AccountingSettings:
        """A copy with ``values`` applied; names an unknown key or a bad value."""
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ValidationError.for_field(key, f"not a setting ({', '.join(sorted(known))})")
            if key == "credit_note_mode":
                try:
                    value = CreditNoteMode(value)
                except ValueError:
                    raise ValidationError.for_field(key, f"{value!r}: use red or black") from None
            elif key in ("partner_analytics", "bank_analytics"):
                if not isinstance(value, bool):
                    raise ValidationError.for_field(key, "true or false")
            elif not isinstance(value, str) or not value.replace(".", "").isdigit():
                raise ValidationError.for_field(key, f"{value!r} is not an account code")
            changes[key] = value
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class PostingRules:
    """The tenant's rules (defaults overlaid with its own) and its settings."""

    def __init__(self, rules: Iterable[PostingRule] = (), settings: AccountingSettings | None = None) -> None:
        self._rules: dict[tuple[Flow, Selector, str], PostingRule] = {
            (r.flow, r.selector, r.value): r for r in DEFAULT_RULES
        }
        for rule in rules:
            self._rules[(rule.flow, rule.selector, rule.value)] = rule
        self.settings = settings or AccountingSettings()

    def all(self) -> list[PostingRule]:
        return sorted(self._rules.values(), key=lambda r: (r.flow, r.selector, r.value))

    def account_for(
        self,
        flow: Flow,
        *,
        product_category: str | None = None,
        vat_category: str | None = None,
        item_kind: str | None = None,
    ) -> str:
        if product_category:
            rule = self._category_rule(flow, product_category)
            if rule is not None:
                return rule.account
        for selector, value in (
            (Selector.VAT_CATEGORY, vat_category),
            (Selector.ITEM_KIND, item_kind),
        ):
            if value:
                rule = self._rules.get((flow, selector, value))
                if rule is not None:
                    return rule.account
        return self._rules[(flow, Selector.DEFAULT, "")].account

    def _category_rule(self, flow: Flow, category: str) -> PostingRule | None:
        """The rule whose value is ``category`` or its longest prefix (classification trees)."""
        for end in range(len(category), 0, -1):
            rule = self._rules.get((flow, Selector.PRODUCT_CATEGORY, category[:end]))
            if rule is not None:
                return rule
        return None


def parse_rule(flow: str, selector: str, value: str, account: str, description: str = "") -> PostingRule:
    """A rule from API input, naming the field that does not fit."""
    try:
        flow_ = Flow(flow)
    except ValueError:
        raise ValidationError.for_field("flow", f"{flow!r}: use sales or purchase") from None
    try:
        selector_ = Selector(selector)
    except ValueError:
        known = ", ".join(s.value for s in Selector)
        raise ValidationError.for_field("selector", f"{selector!r}: use one of {known}") from None
    value = (value or "").strip()
    if selector_ is Selector.DEFAULT and value:
        raise ValidationError.for_field("value", "the default rule has no value")
    if selector_ is not Selector.DEFAULT and not value:
        raise ValidationError.for_field("value", f"a {selector_.value} rule needs a value")
    if len(value) > 50:
        raise ValidationError.for_field("value", "at most 50 characters")
    return PostingRule(flow_, selector_, value, (account or "").strip(), description.strip()[:200])

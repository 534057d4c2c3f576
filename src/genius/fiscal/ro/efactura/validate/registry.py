"""Rule registration and the loop that runs every registered rule module over a ``UblDocument``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.findings import FATAL, WARNING, Finding, Flag

# Every rule module, in the order their findings are reported. A module exposes ``RULES: RuleSet``.
RULE_MODULES: Final[tuple[str, ...]] = (
    "genius.fiscal.ro.efactura.validate.en16931.model",
    "genius.fiscal.ro.efactura.validate.en16931.vat_categories",
    "genius.fiscal.ro.efactura.validate.en16931.vat_rates",
    "genius.fiscal.ro.efactura.validate.en16931.parties",
    "genius.fiscal.ro.efactura.validate.en16931.references",
    "genius.fiscal.ro.efactura.validate.en16931.totals",
    "genius.fiscal.ro.efactura.validate.en16931.lines",
    "genius.fiscal.ro.efactura.validate.en16931.codelists",
    "genius.fiscal.ro.efactura.validate.en16931.decimals",
    "genius.fiscal.ro.efactura.validate.en16931.cardinality",
    "genius.fiscal.ro.efactura.validate.en16931.syntax",
    "genius.fiscal.ro.efactura.validate.en16931.ubl_cr",
    "genius.fiscal.ro.efactura.validate.ciusro",
)

_NO_VALUES: Final[Mapping[str, object]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a rule is broken, with optional values for the message's ``{placeholders}``.

    ``node`` None means the document root; ``attribute`` names the attribute at fault, if any.
    """

    node: Node | None
    values: Mapping[str, object] | None = None
    attribute: str | None = None


Violation = Node | Hit
SingleCheck = Callable[[UblDocument], Iterable[Violation]]
GroupCheck = Callable[[UblDocument], Iterable[tuple[str, Violation]]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One official rule: id, flag and what to tell the user, in Romanian and English."""

    rule_id: str
    flag: Flag
    message_ro: str
    message_en: str

    def finding(self, document: UblDocument, violation: Violation) -> Finding:
        if isinstance(violation, Hit):
            node = violation.node or document.root
            values = violation.values or _NO_VALUES
            location = node.location + (f"/@{violation.attribute}" if violation.attribute else "")
        else:
            node, values, location = violation, _NO_VALUES, violation.location
        if values:
            return Finding(
                self.rule_id,
                self.flag,
                self.message_ro.format_map(_Fill(values)),
                self.message_en.format_map(_Fill(values)),
                location,
            )
        return Finding(self.rule_id, self.flag, self.message_ro, self.message_en, location)


class _Fill(dict[str, object]):
    """format_map mapping that leaves unknown placeholders visible instead of raising."""

    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(slots=True)
class RuleSet:
    """The rules of one module. Register with ``@RULES.rule(...)`` or ``@RULES.group(...)``."""

    name: str
    rules: dict[str, Rule] = field(default_factory=dict)
    # (rule or None for a group, check, names of which one must be present for the check to run)
    _checks: list[tuple[Rule | None, Callable[[UblDocument], Iterable[object]], tuple[str, ...]]] = field(
        default_factory=list
    )

    def _add(self, rule: Rule) -> Rule:
        if rule.rule_id in self.rules:
            raise ValueError(f"{self.name}: rule {rule.rule_id} registered twice")
        if rule.flag not in (FATAL, WARNING):
            raise ValueError(f"{self.name}: rule {rule.rule_id} has flag {rule.flag!r}")
        self.rules[rule.rule_id] = rule
        return rule

    def rule(
        self, rule_id: str, flag: Flag, *, ro: str, en: str, needs: tuple[str, ...] = ()
    ) -> Callable[[SingleCheck], SingleCheck]:
        """Register ``check(document)`` yielding a ``Node`` or ``Hit`` per violation of ``rule_id``.

        ``needs``: qualified names of which at least one must occur in the document for the rule
        to possibly fire (its context elements); when none does, the check is not even called.
        """

        def register(check: SingleCheck) -> SingleCheck:
            self._checks.append((self._add(Rule(rule_id, flag, ro, en)), check, needs))
            return check

        return register

    def group(
        self, rules: Iterable[Rule], *, needs: tuple[str, ...] = ()
    ) -> Callable[[GroupCheck], GroupCheck]:
        """Register one check for several rules; it yields ``(rule_id, Node | Hit)`` pairs.

        For table-driven families (code lists, UBL-CR) where one pass serves many rule ids.
        """
        listed = [self._add(r) for r in rules]

        def register(check: GroupCheck) -> GroupCheck:
            if not listed:
                raise ValueError(f"{self.name}: group {check.__name__} has no rules")
            self._checks.append((None, check, needs))
            return check

        return register

    def run(self, document: UblDocument, skip: Container[object] = ()) -> list[Finding]:
        """Findings of every check in registration order; ``skip``: checks known not to fire here."""
        findings: list[Finding] = []
        rules = self.rules
        present = document.by_name
        for rule, check, needs in self._checks:
            if skip and check in skip:
                continue
            if needs:
                for name in needs:
                    if name in present:
                        break
                else:
                    continue  # none of its context elements occurs: the rule cannot fire
            if rule is not None:
                for violation in check(document):
                    findings.append(rule.finding(document, violation))  # type: ignore[arg-type]
            else:
                for rule_id, violation in check(document):  # type: ignore[misc]
                    findings.append(rules[rule_id].finding(document, violation))
        return findings


_LOADED: list[RuleSet] = []


def rule_sets() -> list[RuleSet]:
    """Every rule module's ``RULES``, imported once, in ``RULE_MODULES`` order."""
    if not _LOADED:
        loaded = []
        for module_name in RULE_MODULES:
            module = importlib.import_module(module_name)
            rules = getattr(module, "RULES", None)
            if not isinstance(rules, RuleSet):
                raise TypeError(f"{module_name} must define RULES: RuleSet")
            loaded.append(rules)
        seen: dict[str, str] = {}
        for rules in loaded:
            for rule_id in rules.rules:
                if rule_id in seen:
                    raise ValueError(f"rule {rule_id} registered by both {seen[rule_id]} and {rules.name}")
                seen[rule_id] = rules.name
        _LOADED.extend(loaded)
    return _LOADED


def all_rules() -> dict[str, Rule]:
    """Every registered rule by id."""
    return {rule_id: rule for rules in rule_sets() for rule_id, rule in rules.rules.items()}


def run_rules(document: UblDocument) -> list[Finding]:
    """Run every registered rule module over ``document``; findings in module then rule order."""
    findings: list[Finding] = []
    for rules in rule_sets():
        findings.extend(rules.run(document))
    return findings

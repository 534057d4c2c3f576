"""Whole-module shortcuts: decide once per document that every rule of a module passes.

A module's ``decide(doc)`` reads what its rules need once and returns True only when it is certain
that none of them fires; each rule wrapped with ``unless(passes)`` then returns at once. Anything
unusual (a repeated element, a value that is not a decimal, a shape the shortcut does not model)
makes ``decide`` return False, and the rules run one by one exactly as written, so findings and
their order never depend on the shortcut.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.findings import Flag
from genius.fiscal.ro.efactura.validate.registry import Rule, RuleSet

_NONE: tuple[()] = ()

Check = TypeVar("Check", bound=Callable[[UblDocument], Iterable[object]])


def decided_once(key: str, decide: Callable[[UblDocument], bool]) -> Callable[[UblDocument], bool]:
    """``passes(doc)``: ``decide(doc)`` computed on the first call for a document, kept in ``doc.memo``."""

    def passes(doc: UblDocument) -> bool:
        memo = doc.memo
        ok = memo.get(key)
        if ok is None:
            ok = memo[key] = decide(doc)
        return ok  # type: ignore[return-value]

    return passes


def unless(passes: Callable[[UblDocument], bool]) -> Callable[[Check], Check]:
    """Wrap a rule's check: no violation when ``passes(doc)``, else the check itself."""

    def wrap(check: Check) -> Check:
        @functools.wraps(check)
        def fast(doc: UblDocument) -> Iterable[object]:
            return _NONE if passes(doc) else check(doc)

        return fast  # type: ignore[return-value]

    return wrap


class Folded:
    """A module's rules registered as ONE group check, so the registry calls one function per document
    instead of one per rule, and a module whose ``passes(doc)`` holds skips its covered rules at once.

    Rules are declared as with ``RuleSet.rule`` (same arguments; ``covered=False`` for a rule that
    ``passes`` does not decide) and ``register(RULES)`` ends the module. The group yields exactly what
    the separate checks would, in the same order, with the same ``needs`` skipping.
    """

    def __init__(self, passes: Callable[[UblDocument], bool]) -> None:
        self._passes = passes
        self._rules: list[Rule] = []
        # (rule id or None for a group check, check, needs, covered by passes)
        self._entries: list[
            tuple[str | None, Callable[[UblDocument], Iterable[object]], tuple[str, ...], bool]
        ] = []

    def rule(
        self, rule_id: str, flag: Flag, *, ro: str, en: str, needs: tuple[str, ...] = (), covered: bool = True
    ) -> Callable[[Check], Check]:
        def add(check: Check) -> Check:
            self._rules.append(Rule(rule_id, flag, ro, en))
            self._entries.append((rule_id, check, needs, covered))
            return check

        return add

    def group(
        self, rules: Iterable[Rule], *, needs: tuple[str, ...] = (), covered: bool = True
    ) -> Callable[[Check], Check]:
        """As ``RuleSet.group``: one check yielding ``(rule_id, violation)`` for several rules."""

        def add(check: Check) -> Check:
            self._rules.extend(rules)
            self._entries.append((None, check, needs, covered))
            return check

        return add

    def register(self, rules: RuleSet) -> None:
        every = _blocks(self._entries)
        uncovered = _blocks([e for e in self._entries if not e[3]])
        passes = self._passes

        def run(doc: UblDocument) -> Iterator[tuple[str, object]]:
            present = doc.by_name
            for needs, checks in uncovered if passes(doc) else every:
                if needs:
                    for name in needs:
                        if name in present:
                            break
                    else:
                        continue  # none of their context elements occurs (as RuleSet.run skips them)
                for rule_id, check in checks:
                    if rule_id is None:
                        yield from check(doc)  # type: ignore[misc]
                    else:
                        for violation in check(doc):
                            yield rule_id, violation

        rules.group(self._rules)(run)  # type: ignore[arg-type]


def _blocks(
    entries: list[tuple[str | None, Callable[[UblDocument], Iterable[object]], tuple[str, ...], bool]],
) -> tuple[
    tuple[tuple[str, ...], tuple[tuple[str | None, Callable[[UblDocument], Iterable[object]]], ...]], ...
]:
    """Consecutive entries with the same ``needs`` in one block: its presence test made once per block."""
    blocks: list[
        tuple[tuple[str, ...], list[tuple[str | None, Callable[[UblDocument], Iterable[object]]]]]
    ] = []
    for rule_id, check, needs, _ in entries:
        if blocks and blocks[-1][0] == needs:
            blocks[-1][1].append((rule_id, check))
        else:
            blocks.append((needs, [(rule_id, check)]))
    return tuple((needs, tuple(checks)) for needs, checks in blocks)

"""Whole-module shortcuts: decide once per document that every rule of a module passes.

A module's ``decide(doc)`` reads what its rules need once and returns True only when it is certain
that none of them fires; each rule wrapped with ``unless(passes)`` then returns at once. Anything
unusual (a repeated element, a value that is not a decimal, a shape the shortcut does not model)
makes ``decide`` return False, and the rules run one by one exactly as written, so findings and
their order never depend on the shortcut.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TypeVar

from genius.fiscal.ro.efactura.validate.document import UblDocument

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

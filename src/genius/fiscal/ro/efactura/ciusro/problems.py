"""The problem collector of the CIUS-RO checks: rule id + field path; lengths counted like the schematron."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from genius.kernel.errors import FieldProblem


@dataclass
class Problems:
    items: list[FieldProblem] = field(default_factory=list)

    def add(self, path: str, rule: str, message: str) -> None:
        self.items.append(FieldProblem(path, rule, f"{rule} {message}"))

    def max_len(self, value: str | None, path: str, limit: int, rule: str) -> None:
        if value is None:
            return
        length = len(" ".join(value.split()))  # the schematron measures normalize-space(.)
        if length > limit:
            self.add(path, rule, f"allows at most {limit} characters, got {length}")

    def max_count(self, values: Iterable[object], path: str, limit: int, rule: str) -> None:
        count = len(list(values))
        if count > limit:
            self.add(path, rule, f"allows at most {limit} entries, got {count}")


def blank(value: str | None) -> bool:
    return value is None or not value.strip()

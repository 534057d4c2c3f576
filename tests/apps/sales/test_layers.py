"""The sales app's inner dependency rules (DESIGN.md rule 4), checked on the source's imports.

``domain``, ``commands`` and ``events`` stay pure (kernel, fiscal, python-stdnum, the standard
library); handlers and the read side never reach up into the API; nothing imports another app.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import genius.apps.sales as sales

ROOT = Path(sales.__file__).parent
STDLIB = set(sys.stdlib_module_names)

PURE = ("genius.kernel", "genius.fiscal", "stdnum", "genius.apps.sales.domain")
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # module prefix -> (allowed third-party/genius prefixes, forbidden prefixes)
    "domain": (PURE, ()),
    "commands": (PURE, ()),
    "events": (("genius.kernel",), ()),
    "handlers": ((), ("genius.apps.sales.api", "genius.apps.sales.schemas", "fastapi")),
    "repository": ((), ("genius.apps.sales.handlers", "genius.apps.sales.api", "fastapi")),
    "tables": ((), ("genius.apps.sales.handlers", "genius.apps.sales.api", "fastapi")),
    "queries": ((), ("genius.apps.sales.handlers", "genius.apps.sales.api", "fastapi")),
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names - {"__future__"}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] != "migrations":
            found.append((parts[0], path))
    return found


@pytest.mark.parametrize(("layer", "path"), modules(), ids=lambda v: str(v).rsplit("sales/", 1)[-1])
def test_imports_respect_the_layers(layer: str, path: Path) -> None:
    allowed, forbidden = RULES.get(layer, ((), ()))
    for name in imports_of(path):
        top = name.split(".")[0]
        assert not (name.startswith("genius.apps.") and not name.startswith("genius.apps.sales")), name
        assert not name.startswith(("genius.web", "genius.cli", "genius.workers", "genius.bootstrap")), name
        assert not name.startswith(forbidden), f"{path.name} imports {name}"
        if allowed and top not in STDLIB:
            assert name.startswith(allowed), f"{path.name} ({layer}) imports {name}"


def test_every_module_says_what_it_owns() -> None:
    for _, path in modules():
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc, f"{path} has no module docstring"


def test_files_stay_small() -> None:
    for _, path in modules():
        lines = len(path.read_text().splitlines())
        assert lines <= 450, f"{path} has {lines} lines, past ~400: make it a package"

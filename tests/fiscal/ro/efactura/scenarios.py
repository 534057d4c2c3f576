"""The e-Factura scenarios: every ``docs/examples/efactura-*.json`` loaded into the model.

Each file is one business case (domestic 21 % + 11 %, exempt, reverse charge, intra-EU, export,
not subject, EUR with RON VAT, allowances and charges, credit note, B2C, Bucharest sectors, length
limits, bank transfer, self-billing). They are input as a user writes it: derivable amounts are
left out; ``compute`` fills them. Tests and the validator's corpus builder mutate copies.
"""

from __future__ import annotations

from pathlib import Path

from genius.fiscal.ro.efactura import Invoice, load_json

EXAMPLES_DIR = Path(__file__).resolve().parents[4] / "docs" / "examples"
PREFIX = "efactura-"


def scenario_paths() -> dict[str, Path]:
    """Scenario name (file stem without ``efactura-``) -> JSON file, sorted by name."""
    paths = sorted(EXAMPLES_DIR.glob(f"{PREFIX}*.json"))
    return {path.stem.removeprefix(PREFIX): path for path in paths}


def load_scenario(name: str) -> Invoice:
    """A fresh model of one scenario (callers may mutate it)."""
    return load_json(scenario_paths()[name].read_text(encoding="utf-8"))


def scenario_invoices() -> dict[str, Invoice]:
    """Every scenario as a fresh, uncomputed model: name -> Invoice."""
    return {name: load_scenario(name) for name in scenario_paths()}


SCENARIO_NAMES = tuple(scenario_paths())

"""The agreement corpus: valid e-Factura documents and deterministic, seeded mutations of them.

Bases are the builder's scenarios (``docs/examples/*.json`` built with ``build.py``) and the
official ANAF examples that ANAF accepts. Each mutation breaks one thing (a removed mandatory
field, a broken total, a wrong code, a bad VAT combination, a wrong county or sector, an
over-long text, a bad date, missing payment terms, an XSD violation, ...) by editing the XML, so
the corpus probes the validator exactly where ANAF's XSLT decides. The same seed always gives
the same documents.

Run ``python -m tests.fiscal.ro.efactura.validate.corpus`` to rerun the agreement against the
oracle and rewrite ``docs/efactura-validation.md``.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tests.fiscal.ro.efactura.validate.mutations import MUTATIONS, NS, RO_CIUS_ID, Mutation

SEED = 20240605  # CIUS-RO 1.0.9 release date: any fixed number works, this one is memorable
BASES_PER_MUTATION = 4
COMBINED_MUTANTS = 120

PROJECT_ROOT = Path(__file__).resolve().parents[5]
SCENARIO_DIR = PROJECT_ROOT / "docs" / "examples"
# Official ANAF examples that ANAF accepts (example6 breaks BR-RO-111, BR-RO-170 and BR-S-08).
OFFICIAL_BASES = tuple(
    f"ciusro/examples/b2g-1.0.9/ubl_b2g_example{i}.xml" for i in (0, 1, 2, 3, 4, 5, 7, 8, 9, 10)
)
# ANAF's 2022 examples declare CIUS-RO 1.0.0; with BT-24 updated they are valid 1.0.9 documents.
OFFICIAL_BASES_NEW_BT24 = (
    "ciusro/examples/anaf-2022/eInvoice_ex.xml",
    "ciusro/examples/anaf-2022/creditNote_ex.xml",
)


@dataclass(frozen=True, slots=True)
class Base:
    name: str
    xml: bytes


@dataclass(frozen=True, slots=True)
class Mutant:
    key: str  # "family/name@base"
    family: str
    mutations: tuple[str, ...]
    base: str
    xml: bytes


# --- bases ---------------------------------------------------------------------------------------


def _set_bt24(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    node = root.find("cbc:CustomizationID", NS)
    assert node is not None
    node.text = RO_CIUS_ID
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def official_bases(validation_dir: Path) -> list[Base]:
    bases = [Base(Path(rel).stem, (validation_dir / rel).read_bytes()) for rel in OFFICIAL_BASES]
    bases += [
        Base(Path(rel).stem, _set_bt24((validation_dir / rel).read_bytes()))
        for rel in OFFICIAL_BASES_NEW_BT24
    ]
    return bases


def scenario_bases() -> list[Base]:
    """The builder's scenarios, built to XML (none until docs/examples and build.py exist)."""
    files = sorted(SCENARIO_DIR.glob("*.json")) if SCENARIO_DIR.is_dir() else []
    if not files:
        return []
    from genius.fiscal.ro.efactura.build import build_xml
    from genius.fiscal.ro.efactura.jsonform import load_json

    return [Base(f"scenario-{f.stem}", build_xml(load_json(f.read_text(encoding="utf-8")))) for f in files]


def all_bases(validation_dir: Path) -> list[Base]:
    return scenario_bases() + official_bases(validation_dir)


# --- corpus -----------------------------------------------------------------------------------------


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _mutate(
    base: Base, parsed: etree._Element, mutations: tuple[Mutation, ...], rng: random.Random
) -> bytes | None:
    root = copy.deepcopy(parsed)
    for m in mutations:
        if not m.apply(root, rng):
            return None
    return _serialize(root)


def generate(bases: list[Base], seed: int = SEED) -> Iterator[Mutant]:
    """Every mutation on up to ``BASES_PER_MUTATION`` bases (rotating), then seeded pairs."""
    rng = random.Random(seed)
    parsed = [(b, etree.fromstring(b.xml)) for b in bases]
    seen: set[bytes] = set()
    for index, m in enumerate(MUTATIONS):
        used = 0
        for offset in range(len(parsed)):
            base, root = parsed[(index + offset) % len(parsed)]
            xml = _mutate(base, root, (m,), random.Random(f"{seed}/{m.name}/{base.name}"))
            if xml is None or xml in seen:
                continue
            seen.add(xml)
            yield Mutant(f"{m.family}/{m.name}@{base.name}", m.family, (m.name,), base.name, xml)
            used += 1
            if used == (m.max_bases or BASES_PER_MUTATION):
                break
    made = attempts = 0
    while made < COMBINED_MUTANTS and attempts < COMBINED_MUTANTS * 20:
        attempts += 1
        first, second = rng.sample(MUTATIONS, 2)
        if first.family == second.family or "xsd" in (first.family, second.family):
            continue
        base, root = rng.choice(parsed)
        xml = _mutate(base, root, (first, second), random.Random(f"{seed}/{attempts}"))
        if xml is None or xml in seen:
            continue
        seen.add(xml)
        made += 1
        yield Mutant(
            f"combined/{first.name}+{second.name}@{base.name}",
            "combined",
            (first.name, second.name),
            base.name,
            xml,
        )

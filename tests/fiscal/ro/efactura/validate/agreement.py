"""Our validator against ANAF's verdict (the oracle) on one document, and the agreement summary.

``python -m tests.fiscal.ro.efactura.validate.agreement`` reruns the whole corpus and the official
examples against ``../shared/validation/oracle.py`` and rewrites ``docs/efactura-validation.md``.
"""

from __future__ import annotations

import collections
import datetime as dt
import importlib.util
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genius.fiscal.ro.efactura.validate import ValidationReport, validate_xml
from genius.fiscal.ro.efactura.validate.registry import all_rules
from tests.fiscal.ro.efactura.validate import corpus
from tests.fiscal.ro.efactura.validate.mutations import FAMILIES, FAMILY_DESCRIPTIONS

# Rule ids of ours that stand for the XSD / well-formedness verdict, compared as verdicts only.
XSD_RULES = frozenset({"UBL-XSD", "UBL-XML"})
DOC_PATH = corpus.PROJECT_ROOT / "docs" / "efactura-validation.md"

OracleCheck = Callable[[bytes], dict[str, Any]]

# Where ANAF's compiled XSLT decides differently from a plain reading of RO16931-rules.sch; the
# validator follows the XSLT (see the ciusro package docstring). Printed in the report.
ANAF_XSLT_NOTES = (
    "Schematron rules are first-match per element: BR-RO-L1019 (its context is shadowed by the "
    "earlier `cac:TaxTotal/cac:TaxSubtotal` rule) and BR-DEC-RO-13/15/23 never fire.",
    "Contexts written `/ubl:CreditNote/...` use the Invoice namespace, so the tax representative "
    "(BR-RO-140..170), deliver-to (BR-RO-180..212) and document allowance/charge (BR-RO-L1017/L1018, "
    "BR-DEC-RO-01..06) rules never apply to credit notes.",
    "BR-RO-A051 and BR-RO-A052 assert `count(.) <= 50` on each element: always true.",
    "BR-RO-065/120 count any BT-63 / BT-47 element, even an empty one, and look only at "
    "`cac:InvoiceLine` categories (not `cac:CreditNoteLine`).",
    "BR-RO-L1017/L1018 measure the reason code (BT-98/BT-105), not the reason text their messages name.",
    "Where a measured path holds two elements (two line notes, two item descriptions), Saxon stops "
    "with a type error (XPTY0004) and ANAF's XSLT gives no verdict; we report each over-long element. "
    "The corpus keeps such paths single so that both sides decide. For the same reason BR-RO-A500 "
    "(over 500 preceding invoices in one BillingReference, which UBL's XSD forbids anyway) can only be "
    "seen from us: ANAF's XSLT stops on BR-RO-L156 of the same element.",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One document judged by both sides; ``problem`` is None when they agree."""

    key: str
    family: str
    anaf_ok: bool
    ours_ok: bool
    xsd_ok: bool
    oracle_ids: frozenset[str]
    our_ids: frozenset[str]
    problem: str | None

    @property
    def agrees(self) -> bool:
        return self.problem is None

    @property
    def ro_agrees(self) -> bool:
        """Same BR-RO ids (meaningful only when the XSD passes)."""
        if not self.xsd_ok:
            return True
        return {i for i in self.our_ids if i.startswith("BR-RO")} == {
            i for i in self.oracle_ids if i.startswith("BR-RO")
        }


def compare(key: str, family: str, ours: ValidationReport, theirs: dict[str, Any]) -> Outcome:
    """Same XSD verdict, same ANAF verdict, and (when the XSD passes) the same fatal rule ids."""
    our_xsd_ok = not any(f.rule_id in XSD_RULES for f in ours.fatal)
    our_ids = frozenset(ours.fatal_rule_ids - XSD_RULES)
    oracle_ids = frozenset(theirs.get("ciusro_fatal", [])) | frozenset(theirs.get("anaf_other_fatal", []))
    xsd_ok = bool(theirs.get("xsd_ok"))
    problem = None
    if our_xsd_ok != xsd_ok:
        problem = f"XSD verdict: ours {our_xsd_ok}, oracle {xsd_ok} ({theirs.get('xsd_errors')})"
    elif ours.anaf_ok != bool(theirs.get("anaf_ok")):
        problem = f"verdict: ours {ours.anaf_ok}, oracle {theirs.get('anaf_ok')}"
    if xsd_ok and our_ids != oracle_ids:
        detail = f"missing {sorted(oracle_ids - our_ids)}, extra {sorted(our_ids - oracle_ids)}"
        problem = f"{problem}; ids: {detail}" if problem else f"ids: {detail}"
    return Outcome(
        key, family, bool(theirs.get("anaf_ok")), ours.anaf_ok, xsd_ok, oracle_ids, our_ids, problem
    )


def judge(key: str, family: str, xml: bytes, oracle: OracleCheck) -> Outcome:
    try:
        theirs = oracle(xml)
    except Exception as exc:  # the oracle itself failed (e.g. Saxon dynamic error): report, do not hide
        return Outcome(key, family, False, False, False, frozenset(), frozenset(), f"oracle error: {exc}")
    return compare(key, family, validate_xml(xml), theirs)


def judge_corpus(mutants: Iterable[corpus.Mutant], oracle: OracleCheck) -> list[Outcome]:
    return [judge(m.key, m.family, m.xml, oracle) for m in mutants]


def official_examples(validation_dir: Path) -> list[Path]:
    roots = [validation_dir / "en16931-ubl" / "examples", validation_dir / "ciusro" / "examples"]
    return sorted(p for r in roots for p in r.rglob("*.xml"))


def judge_official(validation_dir: Path, oracle: OracleCheck) -> list[Outcome]:
    """Official examples; a file that is not XML must be refused by us (the oracle cannot read it)."""
    outcomes = []
    for path in official_examples(validation_dir):
        data = path.read_bytes()
        key = str(path.relative_to(validation_dir))
        try:
            theirs = oracle(data)
        except Exception:
            ours = validate_xml(data)
            refused = "UBL-XML" in ours.fatal_rule_ids
            outcomes.append(
                Outcome(
                    key,
                    "official",
                    False,
                    ours.anaf_ok,
                    False,
                    frozenset(),
                    ours.fatal_rule_ids,
                    None if refused else "oracle cannot read the file but we did not refuse it",
                )
            )
            continue
        outcomes.append(compare(key, "official", validate_xml(data), theirs))
    return outcomes


def summary_markdown(
    outcomes: list[Outcome], official: list[Outcome], seconds: float, bases: list[corpus.Base]
) -> str:
    by_family: dict[str, list[Outcome]] = collections.defaultdict(list)
    for o in outcomes:
        by_family[o.family].append(o)
    agreed = sum(o.agrees for o in outcomes)
    verdicts = sum(o.ours_ok == o.anaf_ok for o in outcomes)
    ro = sum(o.ro_agrees for o in outcomes)
    pct = lambda n, d: f"{100 * n / d:.1f}%" if d else "n/a"  # noqa: E731
    lines = [
        "# e-Factura validator: agreement with ANAF's verdict",
        "",
        "Our `validate_xml` (UBL 2.1 XSD + ANAF's EN 16931 copy + CIUS-RO 1.0.9) against the",
        "oracle `../shared/validation/oracle.py` (lxml XSD + ANAF's compiled CIUS-RO XSLT via Saxon),",
        "on the official examples and on a seeded corpus of mutated invoices",
        f"(`tests/fiscal/ro/efactura/validate/corpus.py`, seed {corpus.SEED}). A document agrees when the",
        "XSD verdict and ANAF's verdict (`anaf_ok`) match and, when the XSD passes, the set of fatal rule",
        "ids is the same (BR-RO-* and every other id ANAF raises).",
        "",
        f"Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()}, Python "
        f"{platform.python_version()}, in {seconds:.0f} s. Rerun: "
        "`.venv/bin/python -m tests.fiscal.ro.efactura.validate.agreement` (the test "
        "`tests/fiscal/ro/efactura/validate/test_agreement.py` asserts the same agreement).",
        "",
        "## Summary",
        "",
        "| set | documents | ANAF rejects | same verdict | same BR-RO ids | full agreement |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, items: list[Outcome]) -> str:
        n = len(items)
        return (
            f"| {name} | {n} | {sum(not o.anaf_ok for o in items)} | "
            f"{pct(sum(o.ours_ok == o.anaf_ok for o in items), n)} | "
            f"{pct(sum(o.ro_agrees for o in items), n)} | "
            f"{pct(sum(o.agrees for o in items), n)} |"
        )

    lines.append(row("official examples", official))
    lines.append(row("**mutated corpus**", outcomes))
    raised = {i for o in outcomes if o.xsd_ok for i in o.oracle_ids}
    ro_rules = {i for i in all_rules() if i.startswith("BR-RO")}
    scenarios = sum(b.name.startswith("scenario-") for b in bases)
    lines += [
        "",
        f"Bases: {scenarios} builder scenarios (`docs/examples/*.json` built with `build.py`) and "
        f"{len(bases) - scenarios} official ANAF examples that ANAF accepts. Across the XSD-valid corpus "
        f"ANAF raised {len(raised)} distinct fatal rule ids, {len(raised & ro_rules)} of our "
        f"{len(ro_rules)} BR-RO rules.",
        "",
        "## Corpus by mutation family",
        "",
        "| family | documents | ANAF rejects | same verdict | same BR-RO ids | full agreement |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for family in (*FAMILIES, "combined"):
        lines.append(row(family, by_family.get(family, [])))
    lines += ["", "| family | what it breaks |", "|---|---|"]
    lines += [f"| {family} | {text} |" for family, text in FAMILY_DESCRIPTIONS.items()]
    lines += [
        "",
        f"Corpus totals: {len(outcomes)} documents, verdict agreement {pct(verdicts, len(outcomes))}, "
        f"BR-RO agreement {pct(ro, len(outcomes))}, full agreement {pct(agreed, len(outcomes))}.",
        "",
    ]
    lines += ["", "## Where ANAF's XSLT differs from the schematron text (we follow the XSLT)", ""]
    lines += [f"- {note}" for note in ANAF_XSLT_NOTES]
    lines.append("")
    disagreements = [o for o in official + outcomes if not o.agrees]
    missing: collections.Counter[str] = collections.Counter()
    extra: collections.Counter[str] = collections.Counter()
    for o in disagreements:
        if o.xsd_ok:
            missing.update(o.oracle_ids - o.our_ids)
            extra.update(o.our_ids - o.oracle_ids)
    lines += ["## Disagreements", ""]
    if not disagreements:
        lines.append("None.")
    else:
        if missing or extra:
            lines.append(
                "Rule ids behind them (documents): ANAF raises and we do not: "
                + (", ".join(f"{k} ({v})" for k, v in missing.most_common()) or "none")
                + "; we raise and ANAF does not: "
                + (", ".join(f"{k} ({v})" for k, v in extra.most_common()) or "none")
                + "."
            )
            lines.append("")
        lines.append("| document | problem |")
        lines.append("|---|---|")
        for o in disagreements[:60]:
            lines.append(f"| `{o.key}` | {o.problem} |")
        if len(disagreements) > 60:
            lines.append(f"| ... | {len(disagreements) - 60} more |")
    return "\n".join(lines) + "\n"


def load_oracle(validation_dir: Path) -> OracleCheck:
    """The shared oracle as a bytes -> dict function (the same adapter as the test fixture)."""
    from tests.fiscal.ro.efactura.conftest import _TextOracle

    spec = importlib.util.spec_from_file_location("shared_validation_oracle", validation_dir / "oracle.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _TextOracle(module.Oracle(validation_dir)).check_text


def main() -> int:
    from tests.conftest import VALIDATION_DIR

    started = time.perf_counter()
    oracle = load_oracle(VALIDATION_DIR)
    bases = corpus.all_bases(VALIDATION_DIR)
    outcomes = judge_corpus(corpus.generate(bases), oracle)
    official = judge_official(VALIDATION_DIR, oracle)
    text = summary_markdown(outcomes, official, time.perf_counter() - started, bases)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(o.agrees for o in outcomes + official) else 1


if __name__ == "__main__":
    sys.exit(main())

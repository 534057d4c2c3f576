"""EN 16931 rule modules of the validator: cost of the document index and of each rule module.

Documents: the engine benchmark's 10-line invoices (``bench.efactura.make_invoices``, every
fourth one broken). Times are the process's CPU time (``time.process_time``), best of several
rounds, so other work on a shared machine counts as little as possible. The index and rule
timings run with the cyclic GC paused, as ``validate_xml`` runs them (the per-module table keeps
100 indexes alive, which would otherwise be rescanned by every collection). ANAF's compiled XSLT
(saxonche, warm) is timed on the same documents for the ratio.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

DOCUMENTS = 100
ROUNDS = 7
XSLT = Path(__file__).resolve().parent.parent.parent / "shared" / "validation" / "ciusro" / "xslt"


def _best(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def _gc_paused(work: Callable[[], object]) -> Callable[[], None]:
    """``work`` with the cyclic GC paused, as ``validate_xml`` runs the index and the rules."""

    def paused() -> None:
        gc.disable()
        try:
            work()
        finally:
            gc.enable()

    return paused


def run() -> str:
    from bench.efactura import make_invoices
    from genius.fiscal.ro.efactura.build import build_xml
    from genius.fiscal.ro.efactura.validate import validate_xml, xsd
    from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
    from genius.fiscal.ro.efactura.validate.registry import rule_sets

    xmls = [build_xml(invoice, check=False) for invoice in make_invoices()[:DOCUMENTS]]
    roots = [xsd.parse_document(x, drop_blank_text=True, element_class=Node) for x in xmls]  # as validate_xml
    sets = rule_sets()
    en16931 = [s for s in sets if s.name.startswith("en16931")]
    n = len(roots)
    elements = sum(1 for _ in roots[0].iter(etree.Element))

    def index() -> None:
        for root in roots:
            UblDocument(root)

    def index_and(chosen: list) -> Callable[[], None]:  # type: ignore[type-arg]
        def work() -> None:
            for root in roots:
                doc = UblDocument(root)
                for rules in chosen:
                    rules.run(doc)

        return work

    for xml in xmls[:10]:
        validate_xml(xml)  # warm: schemas, code lists, rule tables
    us = 1e6 / n
    index_s = _best(_gc_paused(index))
    en_s = _best(_gc_paused(index_and(en16931)))
    all_s = _best(_gc_paused(index_and(sets)))
    validate_s = _best(lambda: [validate_xml(x) for x in xmls])

    docs = [UblDocument(r) for r in roots]
    for doc in docs:
        for rules in sets:
            rules.run(doc)  # shared per-document facts (memo) built once, as in a real run
    per_module = []
    for rules in sets:
        seconds = _best(_gc_paused(lambda rules=rules: [rules.run(d) for d in docs]))
        per_module.append((seconds, rules.name, len(rules.rules)))

    out = [
        f"{n} invoices of 10 lines ({elements} elements, {len(xmls[0]) / 1024:.1f} KiB each), CPU time per "
        f"invoice, best of {ROUNDS}.",
        "",
        "| step | µs per invoice |",
        "|---|---:|",
        f"| build the `UblDocument` index (one walk) | {index_s * us:.0f} |",
        f"| index + every EN 16931 rule ({sum(len(s.rules) for s in en16931)} rules) | {en_s * us:.0f} |",
        f"| index + every rule (EN 16931 + CIUS-RO) | {all_s * us:.0f} |",
        f"| `validate_xml` (parse, XSD, index, every rule) | {validate_s * us:.0f} |",
        "",
        "Each module alone, on documents whose shared facts are already built:",
        "",
        "| module | rules | µs per invoice |",
        "|---|---:|---:|",
    ]
    for seconds, name, count in sorted(per_module, reverse=True):
        out.append(f"| {name} | {count} | {seconds * us:.1f} |")

    stylesheet = XSLT / "EN16931-CIUS_RO-UBL-validation.xslt"
    if stylesheet.is_file():
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        compiled = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(stylesheet))
        texts = [x.decode("utf-8") for x in xmls]
        for text in texts[:10]:
            compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=text))
        xslt_s = _best(
            lambda: [compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=t)) for t in texts], 3
        )
        out += [
            "",
            f"ANAF's CIUS-RO 1.0.9 XSLT on the same invoices (saxonche, warm): {xslt_s * us:.0f} µs per "
            f"invoice; `validate_xml` is **{xslt_s / validate_s:.1f}x** faster, index + every rule "
            f"{xslt_s / all_s:.1f}x. Load average at the end: "
            f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}.",
        ]
    return "\n".join(out)


if __name__ == "__main__":
    print(run())

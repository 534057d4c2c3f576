"""e-Factura engine benchmark: build + validate throughput, and our validator against ANAF's XSLT.

Documents: 10-line invoices made from ``docs/examples/efactura-domestic-21-11.json`` with seeded
quantities and prices; one in four is broken on purpose (bad county, Bucharest city not a sector,
long item name, invoice number without digit, long note, no due date or payment terms) so the
agreement figure means something. Everything runs in this one process on one core; times are
the process's CPU time (``time.process_time``), so other work on a shared machine does not count.

ANAF's side is the official CIUS-RO 1.0.9 XSLT (``../shared/validation/ciusro/xslt``) run by
saxonche, compiled once and warmed up; its time counts parsing the XML text and the transform,
not reading the SVRL (in its favour), best of ``ROUNDS`` like ours. Ours is ``validate_xml``
(parse, UBL 2.1 XSD, every rule). The XSLT does no XSD check, so the XSD step (timed alone on
the parsed documents) is also taken out of our time for a rules-only ratio; both are reported.
"""

from __future__ import annotations

import copy
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIO = PROJECT_ROOT / "docs" / "examples" / "efactura-domestic-21-11.json"
CIUSRO_XSLT = (
    PROJECT_ROOT.parent / "shared" / "validation" / "ciusro" / "xslt" / "EN16931-CIUS_RO-UBL-validation.xslt"
)
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}

DOCUMENTS = 400  # invoices in the throughput runs
XSLT_DOCUMENTS = 200  # the XSLT is slow: a subset of the same invoices for the side-by-side run
LINES = 10
SEED = 7
ROUNDS = 3  # best of three for the throughput figures (the machine is shared)


def _ten_lines(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(data)
    template = data["lines"]
    lines = []
    for i in range(LINES):
        line = copy.deepcopy(template[i % len(template)])
        line["id"] = str(i + 1)
        line["quantity"] = str(rng.randint(1, 40))
        line["price"]["net_price"] = f"{rng.randint(100, 99999) / 100:.2f}"
        lines.append(line)
    doc["lines"] = lines
    return doc


def _break(doc: dict[str, Any], kind: int) -> None:
    if kind == 0:
        doc["seller"]["address"]["country_subdivision"] = "RO-XX"  # BR-RO-110
    elif kind == 1:
        doc["buyer"]["address"]["city"] = "Bucuresti"  # BR-RO-101 (buyer in RO-B)
    elif kind == 2:
        doc["lines"][3]["item"]["name"] = "x" * 101  # BR-RO-L1024
    elif kind == 3:
        doc["number"] = "FACT-ABC"  # BR-RO-010
    elif kind == 4:
        doc["notes"] = [{"text": "n" * 301}]  # BR-RO-L302
    else:
        doc.pop("due_date", None)  # BR-CO-25: an amount is due, no due date and no terms
        doc.pop("payment_terms", None)


def make_invoices() -> list[Any]:
    """Invoice models (computed) for the runs; every fourth one broken."""
    from genius.fiscal.ro.efactura.compute import compute
    from genius.fiscal.ro.efactura.jsonform import invoice_from_dict

    data = json.loads(SCENARIO.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    invoices = []
    for i in range(DOCUMENTS):
        doc = _ten_lines(data, rng)
        doc["number"] = f"GEN-2025-{i + 1:05d}"
        if i % 4 == 3:
            _break(doc, (i // 4) % 6)
        invoices.append(compute(invoice_from_dict(doc)))
    return invoices


def _best(work: Callable[[], None], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def _svrl_fatal(svrl: str) -> frozenset[str]:
    root = etree.fromstring(svrl.encode("utf-8"))
    hits = root.xpath(".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL)
    return frozenset(h.get("id") or "?" for h in hits if (h.get("flag") or "fatal") == "fatal")


def run() -> str:
    from genius.fiscal.ro.efactura.build import build_xml
    from genius.fiscal.ro.efactura.validate import validate_xml

    invoices = make_invoices()
    xmls = [build_xml(inv, check=False) for inv in invoices]
    for xml in xmls[:20]:  # warm caches (schemas, rule modules)
        validate_xml(xml)

    build_s = _best(lambda: [build_xml(inv, check=False) for inv in invoices])
    validate_s = _best(lambda: [validate_xml(xml) for xml in xmls])
    both_s = _best(lambda: [validate_xml(build_xml(inv, check=False)) for inv in invoices])
    n = len(invoices)
    out = [
        f"{n} invoices of {LINES} lines ({statistics.mean(len(x) for x in xmls) / 1024:.1f} KiB on average), "
        f"one process, CPU time, best of {ROUNDS}.",
        "",
        "| step | invoices/s | ms per invoice |",
        "|---|---:|---:|",
        f"| build (model -> UBL XML) | {n / build_s:,.0f} | {1000 * build_s / n:.2f} |",
        f"| validate (XSD + EN 16931 + CIUS-RO) | {n / validate_s:,.0f} | {1000 * validate_s / n:.2f} |",
        f"| **build + validate** | **{n / both_s:,.0f}** | {1000 * both_s / n:.2f} |",
        "",
    ]

    if not CIUSRO_XSLT.is_file():
        out.append(f"ANAF XSLT comparison skipped: {CIUSRO_XSLT} not found.")
        return "\n".join(out)
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(CIUSRO_XSLT))
    texts = [x.decode("utf-8") for x in xmls[:XSLT_DOCUMENTS]]

    def xslt(text: str) -> str:
        return compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=text))

    for text in texts[:20]:  # warm the JIT-free but lazily-initialised stylesheet
        xslt(text)
    svrls: list[str] = [xslt(text) for text in texts]
    # Rounds alternate between the two validators, best of ROUNDS each, so that a burst of load
    # on the shared machine hits both sides alike.
    xslt_s = ours_s = float("inf")
    for _ in range(ROUNDS):
        xslt_s = min(xslt_s, _best(lambda: [xslt(text) for text in texts], 1))
        ours_s = min(ours_s, _best(lambda: [validate_xml(x) for x in xmls[:XSLT_DOCUMENTS]], 1))
    from genius.fiscal.ro.efactura.validate import xsd

    roots = [xsd.parse_document(x, drop_blank_text=True) for x in xmls[:XSLT_DOCUMENTS]]
    xsd_s = _best(lambda: [xsd.check_xsd(root) for root in roots])
    rules_s = ours_s - xsd_s

    agree = verdicts = rejected = 0
    for xml, svrl in zip(xmls[:XSLT_DOCUMENTS], svrls, strict=True):
        theirs = _svrl_fatal(svrl)
        report = validate_xml(xml)
        ours = report.fatal_rule_ids - {"UBL-XSD", "UBL-XML"}
        agree += ours == theirs
        verdicts += report.anaf_ok == (not theirs)
        rejected += bool(theirs)
    m = len(texts)
    out += [
        f"Side by side on the first {m} of those invoices ({rejected} rejected by ANAF's rules):",
        "",
        "| validator | invoices/s | ms per invoice |",
        "|---|---:|---:|",
        f"| ANAF CIUS-RO 1.0.9 XSLT (saxonche, compiled once, warm; rules only) | {m / xslt_s:,.0f} | "
        f"{1000 * xslt_s / m:.2f} |",
        f"| ours: `validate_xml` (parse, XSD, all rules) | {m / ours_s:,.0f} | {1000 * ours_s / m:.2f} |",
        f"| ours without the XSD step (its {1000 * xsd_s / m:.3f} ms timed alone and subtracted) | "
        f"{m / rules_s:,.0f} | {1000 * rules_s / m:.2f} |",
        "",
        f"Speed-up: **{xslt_s / ours_s:.1f}x** with our XSD step counted, {xslt_s / rules_s:.1f}x rules "
        f"against rules. Agreement with the XSLT: same verdict {100 * verdicts / m:.1f}%, same set of "
        f"fatal rule ids {100 * agree / m:.1f}%. Load average at the end: "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}.",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(run())

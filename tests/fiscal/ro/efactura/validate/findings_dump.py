"""Dump every finding of ``validate_xml`` on a fixed corpus, to prove a change to the validator changes none.

``python -m tests.fiscal.ro.efactura.validate.findings_dump VALIDATION_DIR > before.json`` writes one
JSON object: per document, every finding (rule id, flag, both messages, location) in report order.
The documents: the agreement corpus (bases and seeded mutants), the official examples, CEN's unit
test documents and test files, the EN 16931 rule cases, and the engine benchmark's invoices. Run it
before and after a change and compare the files (``cmp``); any difference is a changed finding.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from lxml import etree


def documents(validation_dir: Path) -> dict[str, bytes]:
    from bench.efactura import make_invoices

    from genius.fiscal.ro.efactura.build import build_xml
    from tests.fiscal.ro.efactura.validate import agreement, corpus
    from tests.fiscal.ro.efactura.validate.anaf_xslt import cen_unit_documents
    from tests.fiscal.ro.efactura.validate.en16931_cases import CASES

    bases = corpus.all_bases(validation_dir)
    docs = {f"base/{b.name}": b.xml for b in bases}
    docs.update({f"mutant/{m.key}": m.xml for m in corpus.generate(bases)})
    for path in agreement.official_examples(validation_dir):
        docs[f"official/{path.relative_to(validation_dir)}"] = path.read_bytes()
    docs.update({f"cen/{name}": xml for name, xml in cen_unit_documents(validation_dir)})
    docs.update({f"case/{case.name}": case.xml().encode("utf-8") for case in CASES})
    for i, invoice in enumerate(make_invoices()):
        docs[f"bench/{i}"] = build_xml(invoice, check=False)
    return docs


def parsed_documents(validation_dir: Path) -> Iterator[tuple[str, etree._Element]]:
    """``documents`` parsed as the validator parses them; the ones it refuses as XML are left out."""
    from genius.fiscal.ro.efactura.validate.xsd import DocumentRejectedError, parse_document

    for key, xml in documents(validation_dir).items():
        try:
            root = parse_document(xml, drop_blank_text=True)
        except DocumentRejectedError:
            continue
        yield key, root


def dump(validation_dir: Path) -> dict[str, list[list[str]]]:
    from genius.fiscal.ro.efactura.validate import validate_xml

    return {
        key: [[f.rule_id, f.flag, f.message_ro, f.message_en, f.location] for f in validate_xml(xml).findings]
        for key, xml in documents(validation_dir).items()
    }


if __name__ == "__main__":
    json.dump(dump(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=0, sort_keys=False)

"""Dump what the e-Factura engine produces on a fixed corpus, for comparing its compiled and Python forms.

``python -m tests.fiscal.ro.efactura.native_findings VALIDATION_DIR`` prints one JSON object:
the engine modules that ran compiled, and per document every finding of ``validate_xml`` (rule id,
flag, both messages, location) plus, for the builder's scenarios and the engine benchmark's
invoices, the exact bytes ``build_xml`` wrote. Run it once with ``GENIUS_EFACTURA_PURE=1`` and once
without; the outputs must be equal apart from the list of compiled modules.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def dump(validation_dir: Path) -> dict[str, object]:
    from bench.efactura import make_invoices

    from genius.fiscal.ro.efactura import _native
    from genius.fiscal.ro.efactura.build import build_xml
    from genius.fiscal.ro.efactura.validate import validate_xml
    from tests.fiscal.ro.efactura.validate import agreement, corpus

    bases = corpus.all_bases(validation_dir)
    documents = {f"base/{b.name}": b.xml for b in bases}
    documents.update({f"mutant/{m.key}": m.xml for m in corpus.generate(bases)})
    for path in agreement.official_examples(validation_dir):
        documents[f"official/{path.name}"] = path.read_bytes()
    built = {f"base/{b.name}": hashlib.sha256(b.xml).hexdigest() for b in bases}  # scenarios: build_xml
    for i, invoice in enumerate(make_invoices()[:100]):
        xml = build_xml(invoice, check=False)
        built[f"bench/{i}"] = hashlib.sha256(xml).hexdigest()
        documents[f"bench/{i}"] = xml
    findings = {
        key: [[f.rule_id, f.flag, f.message_ro, f.message_en, f.location] for f in validate_xml(xml).findings]
        for key, xml in documents.items()
    }
    return {"compiled": _native.compiled_modules(), "built": built, "findings": findings}


if __name__ == "__main__":
    json.dump(dump(Path(sys.argv[1])), sys.stdout, ensure_ascii=False)

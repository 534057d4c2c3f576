"""ANAF's compiled CIUS-RO 1.0.9 XSLT run in memory (saxonche), to compare rule ids per document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
XSLT = "ciusro/xslt/EN16931-CIUS_RO-UBL-validation.xslt"
VEFA_NS = "http://difi.no/xsd/vefa/validator/1.0"


@dataclass(frozen=True)
class AnafVerdict:
    fatal: frozenset[str]  # failed asserts and successful reports flagged fatal
    warnings: frozenset[str]

    @property
    def en16931_fatal(self) -> frozenset[str]:
        """The fatal ids of ANAF's bundled EN 16931 copy (the oracle's ``anaf_other_fatal``)."""
        return frozenset(i for i in self.fatal if not i.startswith("BR-RO"))

    @property
    def en16931_warnings(self) -> frozenset[str]:
        return frozenset(i for i in self.warnings if not i.startswith("BR-RO"))


RO_PATTERN_CALL = '<xsl:apply-templates mode="M15" select="/" />'


class AnafXslt:
    """Compiles the XSLT once; ``verdict(xml)`` transforms a document held in memory.

    ``without_ro_pattern=True`` compiles, in memory, the same stylesheet minus the call of its
    CIUS-RO pattern (mode M15): ANAF's BR-RO rules stop with a dynamic error on some repeated
    elements (``normalize-space()`` of two items), which hides the EN 16931 verdict on them.
    """

    def __init__(self, validation_dir: Path, without_ro_pattern: bool = False) -> None:
        from saxonche import PySaxonProcessor

        self._processor = PySaxonProcessor(license=False)
        compiler = self._processor.new_xslt30_processor()
        path = validation_dir / XSLT
        if without_ro_pattern:
            text = path.read_text(encoding="utf-8")
            if text.count(RO_PATTERN_CALL) != 1:
                raise ValueError("the XSLT no longer calls its RO pattern the expected way")
            self._executable: Any = compiler.compile_stylesheet(
                stylesheet_text=text.replace(RO_PATTERN_CALL, ""), base_uri=path.as_uri()
            )
        else:
            self._executable = compiler.compile_stylesheet(stylesheet_file=str(path))

    def verdict(self, xml: str | bytes) -> AnafVerdict:
        text = xml.decode("utf-8-sig") if isinstance(xml, bytes) else xml
        node = self._processor.parse_xml(xml_text=text)
        svrl = etree.fromstring(self._executable.transform_to_string(xdm_node=node).encode("utf-8"))
        hits = svrl.xpath(".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL)
        fatal = frozenset(h.get("id") for h in hits if (h.get("flag") or "fatal") == "fatal")
        warnings = frozenset(h.get("id") for h in hits if (h.get("flag") or "fatal") != "fatal")
        return AnafVerdict(fatal, warnings)


def cen_unit_documents(validation_dir: Path) -> list[tuple[str, bytes]]:
    """Every document of CEN's unit tests (``test/*-unit-UBL/*.xml``, one per vefa test) and test files."""
    out: list[tuple[str, bytes]] = []
    test_dir = validation_dir / "en16931-ubl" / "test"
    for path in sorted(test_dir.glob("*-unit-UBL/*.xml")):
        root = etree.parse(str(path)).getroot()
        for number, test in enumerate(root.findall(f"{{{VEFA_NS}}}test"), 1):
            docs = [c for c in test if isinstance(c.tag, str) and etree.QName(c).namespace != VEFA_NS]
            if docs:
                out.append((f"{path.name}#{number}", etree.tostring(docs[0])))
    for path in sorted((test_dir / "testfiles").glob("*.xml")):
        out.append((f"testfiles/{path.name}", path.read_bytes()))
    return out

"""The validator's entry point: e-Factura XML bytes in, one ``ValidationReport`` (ANAF's verdict) out."""

from __future__ import annotations

import gc
import re
from typing import Final

from lxml import etree

from genius.fiscal.ro.efactura.validate import xsd
from genius.fiscal.ro.efactura.validate.document import NAMESPACES, Node, UblDocument
from genius.fiscal.ro.efactura.validate.findings import FATAL, WARNING, Finding, ValidationReport
from genius.fiscal.ro.efactura.validate.registry import rule_sets, run_rules

# Warning id when the rule pass stops early on a schema-invalid document (see validate_xml).
RULES_INCOMPLETE: Final = "RULES-INCOMPLETE"

_CLARK: Final = re.compile(r"\{([^}]*)\}")
_PREFIX_OF: Final = {uri: prefix for prefix, uri in NAMESPACES.items()}


def _short_names(message: str) -> str:
    """``{urn:...:CommonBasicComponents-2}IssueDate`` -> ``cbc:IssueDate`` in lxml's messages."""

    def prefix(match: re.Match[str]) -> str:
        known = _PREFIX_OF.get(match.group(1))
        return f"{known}:" if known else match.group(0)

    return _CLARK.sub(prefix, message)


def _xsd_location(path: str, root_name: str) -> str:
    # libxml2 writes the document element as "/*"; name it as our locations do.
    if path == "/*" or path.startswith("/*/") or path.startswith("/*["):
        return "/" + root_name + path[2:]
    return path or "/" + root_name


def xsd_finding(problem: xsd.XsdProblem, root_name: str) -> Finding:
    message = _short_names(problem.message).rstrip(".")
    return Finding(
        xsd.RULE_XSD,
        FATAL,
        f"Documentul nu respectă schema UBL 2.1 (rândul {problem.line}): {message}. Corectați elementul "
        "indicat (nume, ordine, format sau valoare).",
        f"The document does not conform to the UBL 2.1 schema (line {problem.line}): {message}. Fix the "
        "element shown (name, order, format or value).",
        _xsd_location(problem.path, root_name),
    )


def rejected_finding(error: xsd.DocumentRejectedError) -> Finding:
    where = f" (rândul {error.line})" if error.line else ""
    where_en = f" (line {error.line})" if error.line else ""
    return Finding(
        xsd.RULE_XML,
        FATAL,
        f"Fișierul nu poate fi citit ca factură XML{where}: {error}. Trimiteți fișierul XML UBL al facturii.",
        f"The file cannot be read as an XML invoice{where_en}: {error}. Send the invoice's UBL XML file.",
        "/",
    )


def validate_xml(data: bytes) -> ValidationReport:
    """Validate e-Factura XML as ANAF would: UBL 2.1 XSD, EN 16931 (ANAF's copy) and CIUS-RO 1.0.9.

    ``report.anaf_ok`` is ANAF's verdict: no fatal finding. Input that is not XML (or is too large,
    or declares a DOCTYPE) gives a single fatal ``UBL-XML`` finding. The rules run even when the
    XSD check fails, so the user sees every problem at once; a document element other than a UBL
    Invoice or CreditNote gets only the XSD finding.

    Rules assume schema-valid values; on a document the XSD already rejects, a rule that cannot
    evaluate (say ``NaN`` in an amount) ends its rule module with a ``RULES-INCOMPLETE`` warning
    (the other modules still run) instead of an exception: the verdict is already "rejected". On a
    schema-valid document such an exception is a bug in a rule and propagates.
    """
    try:
        root = xsd.parse_document(data, drop_blank_text=True, element_class=Node)
    except xsd.DocumentRejectedError as exc:
        return ValidationReport((rejected_finding(exc),))
    # The index and the rules allocate a few hundred objects per invoice, all alive until the
    # document goes and then freed by reference counting (the index cuts its own cycles). Any
    # cyclic-GC pass that falls inside a validation only scans them and promotes them to older
    # generations, which later costs full collections: about 15 % of the validation time. So
    # the collector is paused while they live and resumed before returning, as CPython's
    # subprocess does around fork(); a pass other threads would trigger meanwhile waits until then.
    if not gc.isenabled():  # paused already (by the application, or by another validation)
        return ValidationReport(tuple(_findings(root)))
    gc.disable()
    try:
        findings = _findings(root)  # the document is freed when this returns
    finally:
        gc.enable()
    return ValidationReport(tuple(findings))


def _findings(root: etree._Element) -> list[Finding]:
    document = UblDocument(root)
    findings = [xsd_finding(p, document.root.name) for p in xsd.check_xsd(root)]
    if document.is_ubl:
        if not findings:
            findings.extend(run_rules(document))
        else:
            for rules in rule_sets():
                try:
                    findings.extend(rules.run(document))
                except (ArithmeticError, ValueError, TypeError) as exc:
                    findings.append(rules_incomplete_finding(rules.name, exc))
    return findings


def rules_incomplete_finding(rule_set: str, error: Exception) -> Finding:
    return Finding(
        RULES_INCOMPLETE,
        WARNING,
        f"Regulile „{rule_set}” nu au putut fi verificate complet pentru că documentul nu respectă "
        f"schema UBL ({type(error).__name__}). Corectați erorile de schemă și validați din nou.",
        f"The '{rule_set}' rules could not all be checked because the document does not conform to "
        f"the UBL schema ({type(error).__name__}). Fix the schema errors and validate again.",
        "/",
    )

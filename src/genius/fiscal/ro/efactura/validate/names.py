"""The UBL namespaces and the qualified names (``cbc:ID``) the validator's rules and locations use."""

from __future__ import annotations

from typing import Final

# Prefixes used in rule paths and in locations (those of the EN 16931 / CIUS-RO schematron).
NAMESPACES: Final[dict[str, str]] = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
INVOICE_NS: Final = NAMESPACES["ubl"]
CREDIT_NOTE_NS: Final = NAMESPACES["cn"]
_PREFIX_OF_URI: Final = {uri: prefix for prefix, uri in NAMESPACES.items()}


class _QualifiedNames(dict[str, str]):
    """lxml tag -> qualified name, filled on first sight (``names[tag]`` is one C-level lookup)."""

    def __missing__(self, tag: str) -> str:
        if tag[0] == "{":
            uri, _, local = tag[1:].partition("}")
            prefix = _PREFIX_OF_URI.get(uri)
            name = f"{prefix}:{local}" if prefix else tag
        else:
            name = tag
        self[tag] = name
        return name


# One shared table: a name is the same str object wherever it is made (its hash computed once).
QNAME_CACHE: Final = _QualifiedNames()

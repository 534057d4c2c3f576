"""Everything that differs between D406 schema versions, in one table: add a version with one entry.

The writer and the XSD helper read only this module for namespaces, the ``AuditFileVersion``
value, value lists the XSD enumerates and element names that are spelled unlike OECD SAF-T 2.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from genius.fiscal.ro.saft.errors import SaftInputError

# The namespace DUK accepts for a filed D406 (its message for a d406t file: "namespace
# ('mfp:anaf:dgti:d406t:declaratie:v1') lipsa sau incorect ... Valoarea corecta este
# xmlns='mfp:anaf:dgti:d406:declaratie:v1'").
FILING_NAMESPACE = "mfp:anaf:dgti:d406:declaratie:v1"
# ANAF's test declaration D406T, and the targetNamespace both published XSDs declare.
TEST_NAMESPACE = "mfp:anaf:dgti:d406t:declaratie:v1"


class Target(StrEnum):
    """Which declaration the file is for: the real D406 or ANAF's test declaration D406T."""

    FILING = "filing"
    TEST = "test"


@dataclass(frozen=True)
class SchemaVersion:
    """One published version of ``Ro_SAFT_Schema``."""

    version: str
    published: date
    xsd_file_name: str
    # Value written in Header/AuditFileVersion. ANAF's workbook says "2.0" (OECD SAF-T 2.0); Odoo
    # files "2.4.8" and iConta "2.4.9"; no source shows DUK refusing either, so the schema
    # version is written (it says which structure the file follows).
    audit_file_version: str
    # Header/TaxAccountingBasis values the XSD enumerates.
    tax_accounting_bases: frozenset[str]
    # Values DUK accepts that the XSD enumeration does not list (ONGE since 05.06.2025, BNR6
    # since 26.06.2025): valid for filing, refused by a local XSD check.
    duk_only_tax_accounting_bases: frozenset[str]
    # Header/HeaderComment codes (declaration type); DUK refuses other text (max 2 characters).
    header_comments: frozenset[str]
    # Element names that differ from the OECD SAF-T 2.0 spelling, by logical name.
    elements: Mapping[str, str] = field(default_factory=dict)
    # True when this project validates generated files against this XSD (the file is in
    # ../shared/validation/saft-d406); False when only the facts about it are known.
    xsd_in_validation_set: bool = False

    def element(self, logical_name: str) -> str:
        return self.elements[logical_name]

    def namespace(self, target: Target) -> str:
        return FILING_NAMESPACE if target is Target.FILING else TEST_NAMESPACE

    @property
    def xsd_target_namespace(self) -> str:
        """The namespace the published XSD validates (d406t): map a filed file onto it first."""
        return TEST_NAMESPACE


_BASES = frozenset({"A", "I", "IFRS", "BANK", "INSURANCE", "NORMA39", "IFN", "NORMA36", "NORMA14", "ONG"})
_DUK_ONLY_BASES = frozenset({"ONGE", "BNR6"})
_HEADER_COMMENTS = frozenset({"L", "T", "A", "C", "NL", "NT"})
_ELEMENTS_2_4 = MappingProxyType(
    {
        # XSD spells "in sequence" with a lowercase s (OECD: TotalSegmentsInSequence).
        "total_segments": "TotalSegmentsInsequence",
        # OECD calls the journal line "Line"; the Romanian XSD "TransactionLine".
        "transaction_line": "TransactionLine",
        # Workbook column says "UOMToUOMPhysicalStockConversion"; the XSD element has "Factor".
        "movement_uom_factor": "UOMToUOMPhysicalStockConversionFactor",
    }
)

VERSIONS: Mapping[str, SchemaVersion] = MappingProxyType(
    {
        "2.4.8": SchemaVersion(
            version="2.4.8",
            published=date(2023, 11, 21),
            xsd_file_name="Ro_SAFT_Schema_v248_20231121.xsd",
            audit_file_version="2.4.8",
            tax_accounting_bases=_BASES,
            duk_only_tax_accounting_bases=_DUK_ONLY_BASES,
            header_comments=_HEADER_COMMENTS,
            elements=_ELEMENTS_2_4,
            xsd_in_validation_set=True,
        ),
        # 2.4.9 (2025): the same structure as 2.4.8; only the version attribute and the
        # TaxAccountingBasis documentation changed (its enumeration still stops at ONG). Its XSD
        # (static.anaf.ro Ro_SAFT_Schema_v249_2025.xsd) is not in the validation set.
        "2.4.9": SchemaVersion(
            version="2.4.9",
            published=date(2025, 1, 1),
            xsd_file_name="Ro_SAFT_Schema_v249_2025.xsd",
            audit_file_version="2.4.9",
            tax_accounting_bases=_BASES,
            duk_only_tax_accounting_bases=_DUK_ONLY_BASES,
            header_comments=_HEADER_COMMENTS,
            elements=_ELEMENTS_2_4,
            xsd_in_validation_set=False,
        ),
    }
)

DEFAULT_VERSION = "2.4.8"


def schema_version(version: str = DEFAULT_VERSION) -> SchemaVersion:
    """The entry for ``version``; a clear error names the known ones."""
    try:
        return VERSIONS[version]
    except KeyError:
        known = ", ".join(sorted(VERSIONS))
        raise SaftInputError.for_field(
            "version", f"unknown D406 schema version {version!r} (known: {known})"
        ) from None

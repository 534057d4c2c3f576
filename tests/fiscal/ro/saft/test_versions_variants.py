"""The versions table and the sections each declaration type carries."""

from __future__ import annotations

import pytest

from genius.fiscal.ro.saft import FILING_NAMESPACE, TEST_NAMESPACE, SaftInputError, Target
from genius.fiscal.ro.saft.model import ReportType
from genius.fiscal.ro.saft.variants import SECTION_RULES, SECTIONS, Rule, section_rule
from genius.fiscal.ro.saft.versions import DEFAULT_VERSION, VERSIONS, schema_version


def test_versions_share_the_structure_but_not_the_version_string() -> None:
    v248, v249 = schema_version("2.4.8"), schema_version("2.4.9")
    assert DEFAULT_VERSION == "2.4.8"
    assert (v248.audit_file_version, v249.audit_file_version) == ("2.4.8", "2.4.9")
    assert v248.elements == v249.elements
    assert v248.element("total_segments") == "TotalSegmentsInsequence"
    assert v248.namespace(Target.FILING) == FILING_NAMESPACE
    assert v248.namespace(Target.TEST) == v248.xsd_target_namespace == TEST_NAMESPACE
    assert "ONGE" in v249.duk_only_tax_accounting_bases and "ONGE" not in v249.tax_accounting_bases
    assert set(VERSIONS) == {"2.4.8", "2.4.9"}


def test_unknown_version() -> None:
    with pytest.raises(SaftInputError) as error:
        schema_version("3.0")
    assert error.value.problems[0].field == "version"


def test_every_type_has_a_rule_for_every_section() -> None:
    for report_type in ReportType:
        assert tuple(SECTION_RULES[report_type]) == SECTIONS


@pytest.mark.parametrize(
    ("report_type", "filled", "omitted"),
    [
        (
            ReportType.MONTHLY,
            {"customers", "general_ledger", "payments"},
            {"physical_stock", "asset_transactions"},
        ),
        (ReportType.QUARTERLY, {"sales_invoices", "products"}, {"physical_stock", "asset_transactions"}),
        (ReportType.ANNUAL_ASSETS, {"accounts", "assets", "asset_transactions"}, {"physical_stock"}),
        (
            ReportType.ON_REQUEST_STOCK,
            {"physical_stock", "movements", "owners", "movement_types"},
            {"asset_transactions"},
        ),
    ],
)
def test_section_rules(report_type: ReportType, filled: set[str], omitted: set[str]) -> None:
    for section in filled:
        assert section_rule(report_type, section) is Rule.FILL
    for section in omitted:
        assert section_rule(report_type, section) is Rule.OMIT
    assert section_rule(report_type, "accounts") is Rule.FILL

"""Checks of TaxInformation: known, active code; GL-only codes kept out of invoices; in TaxTable."""

from __future__ import annotations

from datetime import date

from genius.fiscal.ro.saft.model.common import TaxInformation
from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity
from genius.fiscal.ro.saft.taxcodes import TaxCategory, TaxCode, find_tax_code

_GL_ONLY = frozenset(
    {
        TaxCategory.GL_SELF_CHARGED,
        TaxCategory.GL_NON_CHARGEABLE,
        TaxCategory.GL_CLOSING,
        TaxCategory.GL_NO_INVOICE,
    }
)


def check_tax(
    ctx: Context, tax: TaxInformation, day: date, kind: EntityKind, entity_id: str, *, in_ledger: bool
) -> TaxCode | None:
    """Checks one TaxInformation; returns the shipped code when Genius knows it."""
    add = ctx.findings.add
    ctx.check_amount(tax.amount, kind, entity_id, "TaxInformation.TaxAmount")
    if tax.tax_type == "000":
        if tax.tax_code != "000000":
            add(
                "TAX_CODE_INVALID",
                Severity.ERROR,
                kind,
                entity_id,
                f"Tipul de taxă 000 se folosește numai cu codul 000000, nu cu {tax.tax_code}.",
                f"Tax type 000 goes only with tax code 000000, not {tax.tax_code}.",
                "TaxInformation.TaxCode",
            )
        return find_tax_code("000000")
    if tax.tax_type != "300":
        return None  # other taxes (withholding ...) are not in Genius's list: nothing to say
    code = find_tax_code(tax.tax_code)
    if code is None or code.tax_type != "300":
        if tax.tax_code not in ctx.reported_codes:
            ctx.reported_codes.add(tax.tax_code)
            add(
                "TAX_CODE_UNKNOWN",
                Severity.WARNING,
                EntityKind.TAX_CODE,
                tax.tax_code,
                f"Codul de taxă TVA {tax.tax_code} nu este în lista Genius (un subset al nomenclatorului "
                "ANAF); "
                "verificați-l în nomenclatorul ANAF înainte de depunere.",
                f"VAT tax code {tax.tax_code} is not in Genius's list (a subset of ANAF's nomenclature); "
                "check it "
                "against ANAF's nomenclature before filing.",
                "TaxInformation.TaxCode",
            )
        return None
    if code.category in _GL_ONLY and not in_ledger:
        add(
            "TAX_CODE_GL_ONLY",
            Severity.ERROR,
            kind,
            entity_id,
            f"Codul {code.code} ({code.description}) se folosește numai în GeneralLedgerEntries, nu pe "
            "facturi "
            "sau plăți.",
            f"Code {code.code} is for GeneralLedgerEntries only, not for invoices or payments.",
            "TaxInformation.TaxCode",
        )
    if not code.active_on(day) and f"{code.code}:inactive" not in ctx.reported_codes:
        ctx.reported_codes.add(f"{code.code}:inactive")
        add(
            "TAX_CODE_INACTIVE",
            Severity.WARNING,
            EntityKind.TAX_CODE,
            code.code,
            f"Codul {code.code} ({code.description}) nu se mai aplică la {day} (valabil până la "
            f"{code.valid_to}); "
            "DUK dă avertisment. Folosiți codul cotei în vigoare, cu excepția corecțiilor pentru perioade "
            "vechi.",
            f"Code {code.code} does not apply on {day} (valid until {code.valid_to}); DUK warns. Use the "
            "code "
            "of the rate in force, unless this corrects an earlier period.",
            "TaxInformation.TaxCode",
        )
    if ctx.tax_table_codes and code.code not in ctx.tax_table_codes and code.code not in ctx.reported_codes:
        ctx.reported_codes.add(code.code)
        add(
            "TAX_CODE_NOT_IN_TABLE",
            Severity.WARNING,
            EntityKind.TAX_CODE,
            code.code,
            f"Codul {code.code} este folosit, dar lipsește din TaxTable; adăugați-l în tabelul de taxe.",
            f"Code {code.code} is used but missing from the TaxTable; add it there.",
            "TaxInformation.TaxCode",
        )
    return code

"""EN 16931 rules as ANAF bundles them with CIUS-RO 1.0.9 (model, syntax, code lists, decimals).

Modules: ``model`` (document), ``parties``, ``references``, ``totals``, ``lines``,
``vat_categories`` and ``vat_rates`` (BR-S/Z/E/AE/IC/G/O/IG/IP/B), ``codelists`` (BR-CL, data in
``data/en16931``), ``decimals`` (BR-DEC, BR-DEC-RO, UBL-DT-01), ``syntax`` (UBL-SR, UBL-DT,
UBL-CR-666/673) and ``ubl_cr`` (UBL-CR warnings, data in ``data/en16931/ubl_cr_unused.csv``).
Every non-BR-RO rule of ANAF's compiled XSLT is registered with ANAF's flag, except the ones
below, which cannot fire in that XSLT (tests check this list against the XSLT).
"""

DEAD_RULES: dict[str, str] = {
    "BR-CO-05": "test is true() in ANAF's copy",
    "BR-CO-06": "test is true() in ANAF's copy",
    "BR-CO-07": "test is true() in ANAF's copy",
    "BR-CO-08": "test is true() in ANAF's copy",
    "BR-DEC-13": "[@currencyID = cbc:DocumentCurrencyCode] is evaluated on cbc:TaxAmount, so never true",
    "BR-DEC-15": "[@currencyID = cbc:TaxCurrencyCode] is evaluated on cbc:TaxAmount, so never true",
    "BR-DEC-RO-13": "context '/ubl:Invoice | cac:CreditNote': the BR-RO root rule (higher priority) takes "
    "/ubl:Invoice and no cac:CreditNote element exists",
    "BR-DEC-RO-15": "same context as BR-DEC-RO-13",
    "BR-DEC-RO-23": "context 'cac:InvoiceLine | cac:CreditNoteLine' is taken by a higher-priority BR-RO rule",
}

"""The CIUS-RO 1.0.9 rules (BR-RO-*): ANAF's national rules, mirrored from its compiled XSLT.

Source: ``ro16931-ubl-1.0.9/cius-ro/RO16931-rules.sch`` (ANAF, 2024-06-05). Where ANAF's XSLT and
the schematron's intent differ, this package follows the XSLT, because ANAF decides with it:

- rule contexts are tried first-match in schematron order, so a later rule on the same element
  never fires (BR-RO-L1019; also BR-DEC-RO-13/15/23, which belong to ``en16931``);
- ``/ubl:CreditNote/...`` contexts use the Invoice namespace and never match a credit note, so the
  tax-representative (BR-RO-140..170), deliver-to (BR-RO-180..212) and document-level
  allowance/charge (BR-RO-L1017/L1018) rules apply to invoices only;
- ``report`` rules (BR-RO-100, 101, 110, 111, 160, 170, 202, 212) are fatal like the asserts.

``screen`` clears, per document, the checks that cannot fire, so only the others run (the same
findings, faster). ``ruleset.UNREACHABLE_IN_ANAF_XSLT`` lists the schematron ids that can never
fire, with the reason.
BR-27 and BR-DEC-RO-* sit in ANAF's RO file too but are not BR-RO ids: ``en16931`` owns them.
"""

from genius.fiscal.ro.efactura.validate.ciusro import addresses, header, limits, screen
from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RULES, UNREACHABLE_IN_ANAF_XSLT

# Registered last: the screen names the checks the three modules above registered.
RULES.set_screen(screen.doubtful_checks, screen.COVERED)

__all__ = ["RULES", "UNREACHABLE_IN_ANAF_XSLT", "addresses", "header", "limits", "screen"]

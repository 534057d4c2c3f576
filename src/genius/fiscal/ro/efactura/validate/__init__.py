"""The e-Factura validator: EN 16931 (ANAF's bundled copy), CIUS-RO 1.0.9 and the UBL 2.1 XSD.

Plug-in contract for rule modules
---------------------------------
A rule module (``validate/en16931/model.py``, ``validate/ciusro.py``, ...) defines one module-level
``RULES = RuleSet("<name>")`` and registers plain Python functions on it::

    from genius.fiscal.ro.efactura.validate.document import UblDocument
    from genius.fiscal.ro.efactura.validate.registry import Hit, RuleSet

    RULES = RuleSet("ciusro")

    @RULES.rule("BR-RO-010", "fatal",
                ro="Numărul facturii (BT-1) trebuie să conțină cel puțin o cifră.",
                en="The invoice number (BT-1) must contain at least one digit.")
    def br_ro_010(doc: UblDocument):
        node = doc.root.first("cbc:ID")
        if node is not None and not any(c.isdigit() for c in node.text):
            yield node                       # or Hit(node, {"value": node.text}, attribute=None)

- A check receives the ``UblDocument`` index (built once per validation by one walk over the
  lxml tree) and yields one ``Node`` (the element at fault; its XPath becomes the finding's
  location) or ``Hit(node, values, attribute)`` per violation. ``values`` fill ``{placeholders}``
  in the messages; ``node=None`` points at the root. Yield nothing when the rule holds.
- Checks must not evaluate XPath on the lxml tree (speed: all rules < 1 ms per invoice); use
  ``node.find/findall/first/kids/value/attr``, ``doc.all("cac:X")`` (``//cac:X``),
  ``doc.at("cac:A/cbc:B")`` (``/*/cac:A/cbc:B``), ``doc.attributes("unitCode")`` (``//@unitCode``),
  ``doc.lines``, ``doc.decimal(node)`` (xs:decimal rules; failures recorded in
  ``doc.decimal_errors``), ``doc.memo`` (facts a module computes once per document) and
  ``normalize_space`` / ``parse_xs_boolean`` from ``document``. Lists returned by ``kids``,
  ``findall`` and ``all`` may be the index's own: read them, never change them. ``node.path`` and
  ``node.children`` are made when asked (walks up or over the children): prefer ``kids`` and
  ``doc.parents`` / ``node.kid_groups()`` in loops. A ``Node`` is the lxml element itself (the
  validator parses with ``element_class=Node``; ``node.text`` is the leading text, never None, and
  a Node is always true); it is usable only while its ``UblDocument`` is alive (child links are
  cut when the document goes, so reference counting frees it at once; ``validate_xml`` pauses the
  cyclic GC while the index lives).
- ``@RULES.rule(..., needs=("cac:PayeeParty",))``: the qualified names of which at least one must
  occur in the document for the rule to possibly fire (its context elements). When none does, the
  registry does not call the check at all; declare it only when that is certain from the test.
- Mirror the schematron's XPath semantics (existential ``=``/``!=`` over sequences, round half
  up toward +infinity, ``normalize-space``), not a paraphrase: the oracle compares rule ids.
- ``@RULES.group([Rule(...), ...])`` registers one check serving many rule ids; it yields
  ``(rule_id, Node | Hit)`` pairs (used for code lists and the UBL-CR table).
- Rule ids are unique across modules (checked at load). Messages tell the user what to fix,
  naming the BT/BG terms.
- To plug a module in, add its dotted name to ``registry.RULE_MODULES`` (one line).
  ``registry.run_rules(doc)`` runs every module and returns ``list[Finding]``;
  ``registry.all_rules()`` lists every registered ``Rule``.

Ownership: ``en16931/`` holds every non-BR-RO rule of ANAF's schematron, including BR-27 and
``BR-DEC-RO-*`` (which ANAF placed in its RO pattern but which are decimal/price rules reported
outside ``ciusro_fatal`` by the oracle). ``ciusro.py`` holds the BR-RO-* rules.
"""

from genius.fiscal.ro.efactura.validate.findings import Finding, ValidationReport
from genius.fiscal.ro.efactura.validate.validator import validate_xml

__all__ = ["Finding", "ValidationReport", "validate_xml"]

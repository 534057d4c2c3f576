"""Mutation family "limit-boundary": every CIUS-RO length limit, read from ANAF's schematron text.

For each ``string-length(normalize-space(PATH)) <= N`` assert of RO16931-rules.sch there are two
mutations: PATH one character over N (ANAF must refuse) and exactly N (ANAF must accept). The
rule context becomes an XPath 1.0 expression that finds where to write, so this family is derived
from ANAF's file, not from the validator's own tables. The file is read from ../shared/validation;
without it the family is empty (and the corpus test fails, as it must in CI).
"""

from __future__ import annotations

import random
import re

from lxml import etree

from tests.conftest import VALIDATION_DIR
from tests.fiscal.ro.efactura.validate.mutations.core import MUTATIONS, NS, Mutation, random_text

SCHEMATRON = VALIDATION_DIR / "ciusro" / "ro16931-ubl-1.0.9" / "cius-ro" / "RO16931-rules.sch"
SCH_NS = {"s": "http://purl.oclc.org/dsdl/schematron"}
XPATH_NS = {
    **NS,
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
_LIMIT = re.compile(r"string-length\(normalize-space\((.+)\)\)\s*<=\s*([0-9]+)")
BASES_PER_LIMIT = 2


def context_xpath(context: str) -> str:
    """A schematron rule context as an XPath 1.0 expression selecting its elements from the root.

    Boolean comparisons ``= false()`` become string ones (XPath 1.0 would compare the node-set's
    existence); absolute contexts keep their exact namespaces (``/ubl:CreditNote`` selects nothing,
    as in ANAF's XSLT).
    """
    parts = []
    for alternative in context.split("|"):
        alt = alternative.strip().replace("= false()", "= 'false'").replace("= true()", "= 'true'")
        parts.append(alt if alt.startswith("/") else "//" + alt)
    return " | ".join(parts)


def _set_length(root: etree._Element, context: str, path: str, length: int, rng: random.Random) -> bool:
    text = random_text(length - 1, rng) + "1"  # a digit keeps BR-RO-010 quiet when PATH is BT-1
    element_path, _, attribute = path.partition("@")
    element_path = element_path.rstrip("/") or "."
    for node in root.xpath(context_xpath(context), namespaces=XPATH_NS):
        targets = node.xpath(element_path, namespaces=XPATH_NS)
        if targets:
            if attribute:
                targets[0].set(attribute, text)
            else:
                targets[0].text = text
            return True
    return False


def _register() -> None:
    if not SCHEMATRON.is_file():
        return
    tree = etree.parse(str(SCHEMATRON))
    for rule in tree.xpath("//s:rule", namespaces=SCH_NS):
        context = rule.get("context")
        for check in rule.xpath("s:assert", namespaces=SCH_NS):
            match = _LIMIT.search(check.get("test", ""))
            if match is None:
                continue
            path, limit = match.group(1).strip(), int(match.group(2))
            rule_id = check.get("id")
            for suffix, length in (("over", limit + 1), ("at-limit", limit)):
                MUTATIONS.append(
                    Mutation(
                        "limit-boundary",
                        f"{rule_id}-{suffix}",
                        lambda root, rng, c=context, p=path, n=length: _set_length(root, c, p, n, rng),
                        BASES_PER_LIMIT,
                    )
                )


_register()

"""EN 16931 rules on the parties: seller, buyer, payee, tax representative, deliver-to address.

BR-09, 11, 17, 18, 19, 20, 56, 57, 62, 63, BR-CO-09, BR-CO-26 (contexts match wherever the
element occurs, as schematron match patterns do).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.codelists import vat_id_prefixes
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded, decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_vat, matching
from genius.fiscal.ro.efactura.validate.registry import Hit, RuleSet

RULES = RuleSet("en16931.parties")


_NONE: tuple[Node, ...] = ()


def _country_missing(address: Node) -> bool:
    """Not ``(cac:Country/cbc:IdentificationCode) != ''``."""
    for country in address._kids.get("cac:Country", _NONE):  # (loops: no generator, no path to split)
        for code in country._kids.get("cbc:IdentificationCode", _NONE):
            if code.text != "":
                return False
    return True


def _has(node: Node, child: str, grandchild: str) -> bool:
    """``node.has("child/grandchild")`` without the path."""
    for kid in node._kids.get(child, _NONE):  # noqa: SIM110
        if grandchild in kid._kids:
            return True
    return False


@cache
def _prefix_pairs() -> frozenset[str]:
    """Every two characters in a row of BR-CO-09's list: ``contains(list, xy)`` is membership here (a set
    lookup instead of a substring search through 750 characters, 1.7 us for "RO" on this VM)."""
    raw = vat_id_prefixes().raw
    return frozenset(raw[i : i + 2] for i in range(len(raw) - 1))


def _decide(doc: UblDocument) -> bool:
    """None of BR-09, BR-11, BR-62, BR-63, BR-CO-09, BR-CO-26 fires (one read of the seller and the
    buyer; the order of the reads does not matter for a yes/no). False: not sure (fastpath.py)."""
    for name in ("cac:AccountingSupplierParty", "cac:AccountingCustomerParty"):
        for side in doc.all(name):
            for party in side._kids.get("cac:Party", _NONE):
                kids = party._kids
                for address in kids.get("cac:PostalAddress", _NONE):  # BR-09, BR-11
                    if _country_missing(address):
                        return False
                for endpoint in kids.get("cbc:EndpointID", _NONE):  # BR-62, BR-63
                    if endpoint.el.get("schemeID") is None:
                        return False
    for seller in doc.all("cac:AccountingSupplierParty"):  # BR-CO-26
        for party in seller._kids.get("cac:Party", _NONE):
            if _has(party, "cac:PartyLegalEntity", "cbc:CompanyID") or _has(
                party, "cac:PartyIdentification", "cbc:ID"
            ):
                break
            for scheme in party._kids.get("cac:PartyTaxScheme", _NONE):
                if "cbc:CompanyID" in scheme._kids and is_vat(scheme):
                    break
            else:
                continue
            break
        else:
            return False
    pairs = _prefix_pairs()
    for scheme in doc.all("cac:PartyTaxScheme"):  # BR-CO-09
        if is_vat(scheme):
            ids = scheme._kids.get("cbc:CompanyID")
            if ids:
                text = ids[0].text  # the string value's first two characters, when it has them
                prefix = text[:2] if len(text) >= 2 else ids[0].string_value[:2]
            else:
                prefix = ""
            if prefix not in pairs if len(prefix) == 2 else not vat_id_prefixes().contains(prefix):
                return False
    return True


# One group check for the module (registered at the end): the rules that run on (nearly) every document
# are skipped at once when _decide says none fires; the others (covered=False) always run.
_RULES = Folded(decided_once("parties.passes", _decide))


@_RULES.rule(
    "BR-09",
    "fatal",
    ro="Adresa poștală a vânzătorului (BG-5) trebuie să conțină codul țării (BT-40, "
    "cac:Country/cbc:IdentificationCode).",
    en="The Seller postal address (BG-5) must contain the Seller country code (BT-40, "
    "cac:Country/cbc:IdentificationCode).",
)
def br_09(doc: UblDocument) -> Iterator[Node]:
    return (
        a
        for a in matching(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")
        if _country_missing(a)
    )


@_RULES.rule(
    "BR-11",
    "fatal",
    ro="Adresa poștală a cumpărătorului (BG-8) trebuie să conțină codul țării (BT-55, "
    "cac:Country/cbc:IdentificationCode).",
    en="The Buyer postal address (BG-8) must contain the Buyer country code (BT-55, "
    "cac:Country/cbc:IdentificationCode).",
)
def br_11(doc: UblDocument) -> Iterator[Node]:
    return (
        a
        for a in matching(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")
        if _country_missing(a)
    )


@_RULES.rule(
    "BR-17",
    "fatal",
    ro="Beneficiarul plății (BG-10) trebuie să aibă un nume (BT-59) și trebuie să fie diferit de vânzător: "
    "numele și identificatorul lui nu pot fi cele ale vânzătorului (BT-28, BT-29).",
    en="The Payee (BG-10) must have a name (BT-59) and must differ from the Seller: its name and identifier "
    "must not be the Seller's (BT-28, BT-29).",
    needs=("cac:PayeeParty",),
    covered=False,
)
def br_17(doc: UblDocument) -> Iterator[Node]:
    for payee in doc.all("cac:PayeeParty"):
        names = payee.values("cac:PartyName/cbc:Name")
        ids = payee.values("cac:PartyIdentification/cbc:ID")
        parent = payee.parent
        seller_names: list[str] = []
        seller_ids: list[str] = []
        if parent is not None:
            seller_names = parent.values("cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name")
            seller_ids = parent.values("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID")
        if not names or set(names) & set(seller_names) or set(ids) & set(seller_ids):
            yield payee


@_RULES.rule(
    "BR-18",
    "fatal",
    ro="Reprezentantul fiscal al vânzătorului (BG-11) trebuie să aibă un nume (BT-62, "
    "cac:PartyName/cbc:Name).",
    en="The Seller tax representative (BG-11) must have a name (BT-62, cac:PartyName/cbc:Name).",
    needs=("cac:TaxRepresentativeParty",),
    covered=False,
)
def br_18(doc: UblDocument) -> Iterator[Node]:
    for party in doc.all("cac:TaxRepresentativeParty"):
        if not any(n.text != "" for n in party.findall("cac:PartyName/cbc:Name")):
            yield party


@_RULES.rule(
    "BR-19",
    "fatal",
    ro="Reprezentantul fiscal al vânzătorului (BG-11) trebuie să aibă o adresă poștală (BG-12, "
    "cac:PostalAddress).",
    en="The Seller tax representative (BG-11) must have a postal address (BG-12, cac:PostalAddress).",
    needs=("cac:TaxRepresentativeParty",),
    covered=False,
)
def br_19(doc: UblDocument) -> Iterator[Node]:
    return (p for p in doc.all("cac:TaxRepresentativeParty") if not p.kids("cac:PostalAddress"))


@_RULES.rule(
    "BR-20",
    "fatal",
    ro="Adresa reprezentantului fiscal (BG-12) trebuie să conțină codul țării (BT-69, "
    "cac:Country/cbc:IdentificationCode).",
    en="The Seller tax representative postal address (BG-12) must contain the country code (BT-69, "
    "cac:Country/cbc:IdentificationCode).",
    needs=("cac:TaxRepresentativeParty",),
    covered=False,
)
def br_20(doc: UblDocument) -> Iterator[Node]:
    return (a for a in matching(doc, "cac:TaxRepresentativeParty/cac:PostalAddress") if _country_missing(a))


@_RULES.rule(
    "BR-56",
    "fatal",
    ro="Reprezentantul fiscal al vânzătorului (BG-11) trebuie să aibă codul de TVA (BT-63, "
    "cac:PartyTaxScheme/cbc:CompanyID cu schema VAT).",
    en="The Seller tax representative (BG-11) must have a VAT identifier (BT-63, "
    "cac:PartyTaxScheme/cbc:CompanyID with scheme VAT).",
    needs=("cac:TaxRepresentativeParty",),
    covered=False,
)
def br_56(doc: UblDocument) -> Iterator[Node]:
    for party in doc.all("cac:TaxRepresentativeParty"):
        if not any(s.kids("cbc:CompanyID") and is_vat(s) for s in party.kids("cac:PartyTaxScheme")):
            yield party


@_RULES.rule(
    "BR-57",
    "fatal",
    ro="Adresa de livrare (BG-15) trebuie să conțină codul țării de livrare (BT-80, "
    "cac:Country/cbc:IdentificationCode).",
    en="The Deliver to address (BG-15) must contain the Deliver to country code (BT-80, "
    "cac:Country/cbc:IdentificationCode).",
    needs=("cac:DeliveryLocation",),
    covered=False,
)
def br_57(doc: UblDocument) -> Iterator[Node]:
    for address in matching(doc, "cac:Delivery/cac:DeliveryLocation/cac:Address"):
        if not address.has("cac:Country/cbc:IdentificationCode"):
            yield address


@_RULES.rule(
    "BR-62",
    "fatal",
    ro="Adresa electronică a vânzătorului (BT-34, cbc:EndpointID) trebuie să aibă atributul schemeID.",
    en="The Seller electronic address (BT-34, cbc:EndpointID) must have a schemeID attribute.",
    needs=("cbc:EndpointID",),
)
def br_62(doc: UblDocument) -> Iterator[Node]:
    for node in matching(doc, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID"):
        if node.attr("schemeID") is None:
            yield node


@_RULES.rule(
    "BR-63",
    "fatal",
    ro="Adresa electronică a cumpărătorului (BT-49, cbc:EndpointID) trebuie să aibă atributul schemeID.",
    en="The Buyer electronic address (BT-49, cbc:EndpointID) must have a schemeID attribute.",
    needs=("cbc:EndpointID",),
)
def br_63(doc: UblDocument) -> Iterator[Node]:
    for node in matching(doc, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"):
        if node.attr("schemeID") is None:
            yield node


@_RULES.rule(
    "BR-CO-09",
    "fatal",
    ro="Codul de TVA „{value}” (BT-31, BT-48, BT-63) trebuie să înceapă cu prefixul de țară ISO 3166-1 "
    "alpha-2 (EL pentru Grecia), de ex. RO12345678.",
    en="The VAT identifier '{value}' (BT-31, BT-48, BT-63) must start with an ISO 3166-1 alpha-2 country "
    "prefix (EL for Greece), e.g. RO12345678.",
)
def br_co_09(doc: UblDocument) -> Iterator[Hit]:
    prefixes = vat_id_prefixes()
    for scheme in doc.all("cac:PartyTaxScheme"):
        if not is_vat(scheme):
            continue
        ids = scheme.kids("cbc:CompanyID")
        value = ids[0].string_value if ids else ""
        # contains(' 1A AD ... ', substring(cbc:CompanyID, 1, 2)): a substring search, as ANAF's copy does.
        if not prefixes.contains(value[:2]):
            yield Hit(ids[0] if ids else scheme, {"value": value})


@_RULES.rule(
    "BR-CO-26",
    "fatal",
    ro="Vânzătorul trebuie identificat prin cel puțin unul dintre: identificatorul vânzătorului (BT-29), "
    "identificatorul de înregistrare legală (BT-30) sau codul de TVA (BT-31).",
    en="The Seller must be identified by at least one of: Seller identifier (BT-29), Seller legal "
    "registration identifier (BT-30) or Seller VAT identifier (BT-31).",
)
def br_co_26(doc: UblDocument) -> Iterator[Node]:
    for seller in doc.all("cac:AccountingSupplierParty"):
        parties = seller.kids("cac:Party")
        ok = any(
            any(s.kids("cbc:CompanyID") and is_vat(s) for s in p.kids("cac:PartyTaxScheme"))
            or p.has("cac:PartyIdentification/cbc:ID")
            or p.has("cac:PartyLegalEntity/cbc:CompanyID")
            for p in parties
        )
        if not ok:
            yield seller


_RULES.register(RULES)

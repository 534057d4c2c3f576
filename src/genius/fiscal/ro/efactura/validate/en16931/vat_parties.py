"""Which party identifiers a document gives, and the BR-x-02/03/04 requirements on them by category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_vat

_SELLER = "cac:AccountingSupplierParty"
_SCHEMES = "cac:Party/cac:PartyTaxScheme"


@dataclass(slots=True)
class PartyIds:
    """Which party identifiers exist, as BR-x-02/03/04 test them."""

    seller_any_id: bool  # //cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
    seller_vat_id: bool  # ... /cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-31)
    representative_vat_id: bool  # //cac:TaxRepresentativeParty/cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-63)
    buyer_vat_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[VAT]/cbc:CompanyID
    buyer_legal_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID


def _party_ids(doc: UblDocument, holder: str, schemes: str) -> tuple[bool, bool]:
    """``exists(//holder/schemes/cbc:CompanyID)`` and ``exists(//holder/schemes[VAT]/cbc:CompanyID)``."""
    any_id = vat_id = False
    for node in doc.all(holder):
        for scheme in node.findall(schemes):
            if scheme.kids("cbc:CompanyID"):
                any_id = True
                if is_vat(scheme):
                    return True, True
    return any_id, vat_id


def party_ids(doc: UblDocument) -> PartyIds:
    seller_any_id, seller_vat_id = _party_ids(doc, _SELLER, _SCHEMES)
    return PartyIds(
        seller_any_id=seller_any_id,
        seller_vat_id=seller_vat_id,
        representative_vat_id=_party_ids(doc, "cac:TaxRepresentativeParty", "cac:PartyTaxScheme")[1],
        buyer_vat_id=_party_ids(doc, "cac:AccountingCustomerParty", _SCHEMES)[1],
        buyer_legal_id=any(
            p.kids("cbc:CompanyID")
            for h in doc.all("cac:AccountingCustomerParty")
            for p in h.findall("cac:Party/cac:PartyLegalEntity")
        ),
    )


@dataclass(frozen=True, slots=True)
class Parties:
    test: Callable[[PartyIds], bool]
    ro: str
    en: str


SELLER_ANY = Parties(
    lambda f: f.seller_any_id or f.representative_vat_id,
    "codul de TVA al vânzătorului (BT-31), codul de înregistrare fiscală al vânzătorului (BT-32) sau codul "
    "de TVA al reprezentantului fiscal (BT-63)",
    "the Seller VAT identifier (BT-31), the Seller tax registration identifier (BT-32) or the Seller tax "
    "representative VAT identifier (BT-63)",
)
SELLER_VAT = Parties(
    lambda f: f.seller_vat_id or f.representative_vat_id,
    "codul de TVA al vânzătorului (BT-31) sau codul de TVA al reprezentantului fiscal (BT-63)",
    "the Seller VAT identifier (BT-31) or the Seller tax representative VAT identifier (BT-63)",
)
REVERSE = Parties(
    lambda f: (f.seller_any_id or f.representative_vat_id) and (f.buyer_vat_id or f.buyer_legal_id),
    SELLER_ANY.ro + ", precum și codul de TVA (BT-48) sau identificatorul de înregistrare legală (BT-47) "
    "al cumpărătorului",
    SELLER_ANY.en + ", and the Buyer VAT identifier (BT-48) or Buyer legal registration identifier (BT-47)",
)
INTRA = Parties(
    lambda f: (f.seller_vat_id or f.representative_vat_id) and f.buyer_vat_id,
    SELLER_VAT.ro + ", precum și codul de TVA al cumpărătorului (BT-48)",
    SELLER_VAT.en + ", and the Buyer VAT identifier (BT-48)",
)
NONE = Parties(
    lambda f: not (f.seller_vat_id or f.representative_vat_id or f.buyer_vat_id),
    "lipsa codurilor de TVA ale vânzătorului (BT-31), reprezentantului fiscal (BT-63) și cumpărătorului "
    "(BT-48): eliminați-le",
    "that no Seller (BT-31), tax representative (BT-63) or Buyer (BT-48) VAT identifier is given: remove "
    "them",
)

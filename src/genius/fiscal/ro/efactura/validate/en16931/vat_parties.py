"""Which party identifiers a document gives, and the BR-x-02/03/04 requirements on them by category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from genius.fiscal.ro.efactura.validate.document import UblDocument
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_vat

_SELLER = "cac:AccountingSupplierParty"
_BUYER = "cac:AccountingCustomerParty"


@dataclass(slots=True)
class PartyIds:
    """Which party identifiers exist, as BR-x-02/03/04 test them."""

    seller_any_id: bool  # //cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
    seller_vat_id: bool  # ... /cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-31)
    representative_vat_id: bool  # //cac:TaxRepresentativeParty/cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-63)
    buyer_vat_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[VAT]/cbc:CompanyID
    buyer_legal_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID


def party_ids(doc: UblDocument) -> PartyIds:
    """Each ``//holder/.../cac:PartyTaxScheme[VAT]/cbc:CompanyID`` (and the rest) by one pass over the
    document's cac:PartyTaxScheme and cac:PartyLegalEntity elements, each placed by its parents."""
    seller_any_id = seller_vat_id = representative_vat_id = buyer_vat_id = buyer_legal_id = False
    for scheme in doc.all("cac:PartyTaxScheme"):
        if "cbc:CompanyID" not in scheme._kids:
            continue
        holder = scheme.parent
        assert holder is not None
        name = holder.name
        if name == "cac:Party":  # .../cac:Party/cac:PartyTaxScheme: whose party?
            holder = holder.parent
            if holder is None:
                continue
            name = holder.name
            if name == _SELLER:
                seller_any_id = True
                if not seller_vat_id and is_vat(scheme):
                    seller_vat_id = True
            elif name == _BUYER and not buyer_vat_id and is_vat(scheme):
                buyer_vat_id = True
        elif name == "cac:TaxRepresentativeParty" and not representative_vat_id and is_vat(scheme):
            representative_vat_id = True
    for entity in doc.all("cac:PartyLegalEntity"):
        if "cbc:CompanyID" in entity._kids:
            party = entity.parent
            assert party is not None
            holder = party.parent
            if party.name == "cac:Party" and holder is not None and holder.name == _BUYER:
                buyer_legal_id = True
                break
    return PartyIds(seller_any_id, seller_vat_id, representative_vat_id, buyer_vat_id, buyer_legal_id)


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

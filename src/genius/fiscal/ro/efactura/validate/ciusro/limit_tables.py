"""The CIUS-RO text limits (BR-RO-L*) as tables, one per rule context of ANAF's XSLT.

``limits`` checks them (and screens a document against them first); the tables stay apart by
context because ANAF's rule order decides which element is checked by which rule (see
``ruleset.UNREACHABLE_IN_ANAF_XSLT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from genius.fiscal.ro.efactura.validate.registry import Rule

_FATAL: Final = "fatal"


@dataclass(frozen=True, slots=True)
class Limit:
    """``rule_id``: ``path`` (relative to the rule's context; may end in ``@attribute``) <= ``max_chars``."""

    rule_id: str
    path: str
    max_chars: int
    term: str  # BT number
    name_ro: str
    name_en: str

    def rule(self) -> Rule:
        return Rule(
            self.rule_id,
            _FATAL,
            f"{self.name_ro} ({self.term}) poate avea cel mult {self.max_chars} de caractere; "
            "are {length}. Scurtați textul.",
            f"The {self.name_en} ({self.term}) may have at most {self.max_chars} characters; it has "
            "{length}. Shorten it.",
        )


_SUP: Final = "cac:AccountingSupplierParty/cac:Party/"
_CUS: Final = "cac:AccountingCustomerParty/cac:Party/"
_REP: Final = "cac:TaxRepresentativeParty/"
_DLV: Final = "cac:Delivery/cac:DeliveryLocation/cac:Address/"

# The tables stay one limit per two lines, as in the schematron; keep the formatter off them.
# fmt: off
# Context /ubl:Invoice | /cn:CreditNote.
ROOT_LIMITS: Final = (
    Limit("BR-RO-L0201", _SUP + "cac:PostalAddress/cbc:PostalZone", 20, "BT-38",
          "Codul poștal al vânzătorului", "Seller post code"),
    Limit("BR-RO-L0202", _CUS + "cac:PostalAddress/cbc:PostalZone", 20, "BT-53",
          "Codul poștal al cumpărătorului", "Buyer post code"),
    Limit("BR-RO-L0203", _REP + "cac:PostalAddress/cbc:PostalZone", 20, "BT-67",
          "Codul poștal al reprezentantului fiscal", "Tax representative post code"),
    Limit("BR-RO-L0204", _DLV + "cbc:PostalZone", 20, "BT-78",
          "Codul poștal de livrare", "Deliver-to post code"),
    Limit("BR-RO-L155", "cbc:ID", 200, "BT-1", "Numărul facturii", "Invoice number"),
    Limit("BR-RO-L0302", "cac:ContractDocumentReference/cbc:ID", 200, "BT-12",
          "Referința contractului", "Contract reference"),
    Limit("BR-RO-L0303", "cac:OrderReference/cbc:ID", 200, "BT-13",
          "Referința comenzii", "Purchase order reference"),
    Limit("BR-RO-L0304", "cac:OrderReference/cbc:SalesOrderID", 200, "BT-14",
          "Referința dispoziției de vânzare", "Sales order reference"),
    Limit("BR-RO-L0305", "cac:ReceiptDocumentReference/cbc:ID", 200, "BT-15",
          "Referința avizului de recepție", "Receiving advice reference"),
    Limit("BR-RO-L0306", "cac:DespatchDocumentReference/cbc:ID", 200, "BT-16",
          "Referința avizului de expediție", "Despatch advice reference"),
    Limit("BR-RO-L0307", "cac:OriginatorDocumentReference/cbc:ID", 200, "BT-17",
          "Referința licitației sau a lotului", "Tender or lot reference"),
    Limit("BR-RO-L0501", _SUP + "cac:PostalAddress/cbc:CityName", 50, "BT-37",
          "Localitatea vânzătorului", "Seller city"),
    Limit("BR-RO-L0502", _CUS + "cac:PostalAddress/cbc:CityName", 50, "BT-52",
          "Localitatea cumpărătorului", "Buyer city"),
    Limit("BR-RO-L0503", _REP + "cac:PostalAddress/cbc:CityName", 50, "BT-66",
          "Localitatea reprezentantului fiscal", "Tax representative city"),
    Limit("BR-RO-L0504", _DLV + "cbc:CityName", 50, "BT-77", "Localitatea de livrare", "Deliver-to city"),
    Limit("BR-RO-L1001", "cbc:AccountingCost", 100, "BT-19",
          "Referința contabilă a cumpărătorului", "Buyer accounting reference"),
    Limit("BR-RO-L1002", _SUP + "cac:PostalAddress/cbc:AdditionalStreetName", 100, "BT-36",
          "Adresa vânzătorului, linia 2", "Seller address line 2"),
    Limit("BR-RO-L1003", _SUP + "cac:PostalAddress/cac:AddressLine/cbc:Line", 100, "BT-162",
          "Adresa vânzătorului, linia 3", "Seller address line 3"),
    Limit("BR-RO-L1004", _SUP + "cac:Contact/cbc:Name", 100, "BT-41",
          "Punctul de contact al vânzătorului", "Seller contact point"),
    Limit("BR-RO-L1005", _SUP + "cac:Contact/cbc:Telephone", 100, "BT-42",
          "Telefonul de contact al vânzătorului", "Seller contact telephone number"),
    Limit("BR-RO-L1006", _SUP + "cac:Contact/cbc:ElectronicMail", 100, "BT-43",
          "E-mailul de contact al vânzătorului", "Seller contact email address"),
    Limit("BR-RO-L1007", _CUS + "cac:PostalAddress/cbc:AdditionalStreetName", 100, "BT-51",
          "Adresa cumpărătorului, linia 2", "Buyer address line 2"),
    Limit("BR-RO-L1008", _CUS + "cac:PostalAddress/cac:AddressLine/cbc:Line", 100, "BT-163",
          "Adresa cumpărătorului, linia 3", "Buyer address line 3"),
    Limit("BR-RO-L1009", _CUS + "cac:Contact/cbc:Name", 100, "BT-56",
          "Punctul de contact al cumpărătorului", "Buyer contact point"),
    Limit("BR-RO-L1010", _CUS + "cac:Contact/cbc:Telephone", 100, "BT-57",
          "Telefonul de contact al cumpărătorului", "Buyer contact telephone number"),
    Limit("BR-RO-L1011", _CUS + "cac:Contact/cbc:ElectronicMail", 100, "BT-58",
          "E-mailul de contact al cumpărătorului", "Buyer contact email address"),
    Limit("BR-RO-L1012", _REP + "cac:PostalAddress/cbc:AdditionalStreetName", 100, "BT-65",
          "Adresa reprezentantului fiscal, linia 2", "Tax representative address line 2"),
    Limit("BR-RO-L1013", _REP + "cac:PostalAddress/cac:AddressLine/cbc:Line", 100, "BT-164",
          "Adresa reprezentantului fiscal, linia 3", "Tax representative address line 3"),
    Limit("BR-RO-L1014", _DLV + "cbc:AdditionalStreetName", 100, "BT-76",
          "Adresa de livrare, linia 2", "Deliver-to address line 2"),
    Limit("BR-RO-L1015", _DLV + "cac:AddressLine/cbc:Line", 100, "BT-165",
          "Adresa de livrare, linia 3", "Deliver-to address line 3"),
    Limit("BR-RO-L151", _SUP + "cac:PostalAddress/cbc:StreetName", 150, "BT-35",
          "Adresa vânzătorului, linia 1", "Seller address line 1"),
    Limit("BR-RO-L152", _CUS + "cac:PostalAddress/cbc:StreetName", 150, "BT-50",
          "Adresa cumpărătorului, linia 1", "Buyer address line 1"),
    Limit("BR-RO-L153", _REP + "cac:PostalAddress/cbc:StreetName", 150, "BT-64",
          "Adresa reprezentantului fiscal, linia 1", "Tax representative address line 1"),
    Limit("BR-RO-L154", _DLV + "cbc:StreetName", 150, "BT-75",
          "Adresa de livrare, linia 1", "Deliver-to address line 1"),
    Limit("BR-RO-L201", _SUP + "cac:PartyLegalEntity/cbc:RegistrationName", 200, "BT-27",
          "Numele vânzătorului", "Seller name"),
    Limit("BR-RO-L202", _SUP + "cac:PartyName/cbc:Name", 200, "BT-28",
          "Denumirea comercială a vânzătorului", "Seller trading name"),
    Limit("BR-RO-L203", _CUS + "cac:PartyLegalEntity/cbc:RegistrationName", 200, "BT-44",
          "Numele cumpărătorului", "Buyer name"),
    Limit("BR-RO-L204", _CUS + "cac:PartyName/cbc:Name", 200, "BT-45",
          "Denumirea comercială a cumpărătorului", "Buyer trading name"),
    Limit("BR-RO-L205", "cac:PayeeParty/cac:PartyName/cbc:Name", 200, "BT-59",
          "Numele beneficiarului plății", "Payee name"),
    Limit("BR-RO-L206", _REP + "cac:PartyName/cbc:Name", 200, "BT-62",
          "Numele reprezentantului fiscal al vânzătorului", "Seller tax representative name"),
    Limit("BR-RO-L207", "cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name", 200, "BT-70",
          "Numele părții către care se livrează", "Deliver-to party name"),
    Limit("BR-RO-L301", "cac:PaymentTerms/cbc:Note", 300, "BT-20",
          "Termenii de plată", "Payment terms"),
    Limit("BR-RO-L1000", _SUP + "cac:PartyLegalEntity/cbc:CompanyLegalForm", 1000, "BT-33",
          "Informațiile juridice suplimentare ale vânzătorului", "Seller additional legal information"),
)

# Context //cac:PaymentMeans.
PAYMENT_MEANS_LIMITS: Final = (
    Limit("BR-RO-L208", "cac:PayeeFinancialAccount/cbc:Name", 200, "BT-85",
          "Numele contului de plată", "Payment account name"),
    Limit("BR-RO-L209", "cac:CardAccount/cbc:HolderName", 200, "BT-88",
          "Numele deținătorului cardului de plată", "Payment card holder name"),
    Limit("BR-RO-L1016", "cbc:PaymentMeansCode/@name", 100, "BT-82",
          "Textul instrumentului de plată", "Payment means text"),
    Limit("BR-RO-L140", "cbc:PaymentID", 140, "BT-83", "Referința plății (avizul de plată)",
          "Remittance information"),
)

# Context cac:InvoiceLine | cac:CreditNoteLine.
LINE_LIMITS: Final = (
    Limit("BR-RO-L1024", "cac:Item/cbc:Name", 100, "BT-153", "Numele articolului", "Item name"),
    Limit("BR-RO-L1021", "cbc:AccountingCost", 100, "BT-133",
          "Referința contabilă a cumpărătorului din linia facturii",
          "Invoice line Buyer accounting reference"),
    Limit("BR-RO-L212", "cac:Item/cbc:Description", 200, "BT-154",
          "Descrierea articolului", "Item description"),
    Limit("BR-RO-L303", "cbc:Note", 300, "BT-127", "Nota liniei facturii", "Invoice line note"),
)

# Context //cac:Item/cac:AdditionalItemProperty.
ITEM_PROPERTY_LIMITS: Final = (
    Limit("BR-RO-L0505", "cbc:Name", 50, "BT-160",
          "Numele atributului articolului", "Item attribute name"),
    Limit("BR-RO-L1025", "cbc:Value", 100, "BT-161",
          "Valoarea atributului articolului", "Item attribute value"),
)

# Context /ubl:Invoice/cac:AllowanceCharge[ChargeIndicator = false()] (and = true()); invoices only.
DOCUMENT_ALLOWANCE_LIMITS: Final = (
    Limit("BR-RO-L1017", "cbc:AllowanceChargeReasonCode", 100, "BT-98",
          "Codul motivului deducerii la nivelul documentului", "Document level allowance reason code"),
)
DOCUMENT_CHARGE_LIMITS: Final = (
    Limit("BR-RO-L1018", "cbc:AllowanceChargeReasonCode", 100, "BT-105",
          "Codul motivului taxei suplimentare la nivelul documentului", "Document level charge reason code"),
)

# Context //cac:InvoiceLine/cac:AllowanceCharge[...] | //cac:CreditNoteLine/cac:AllowanceCharge[...].
LINE_ALLOWANCE_LIMITS: Final = (
    Limit("BR-RO-L1022", "cbc:AllowanceChargeReason", 100, "BT-139",
          "Motivul deducerii la linia facturii", "Invoice line allowance reason"),
)
LINE_CHARGE_LIMITS: Final = (
    Limit("BR-RO-L1023", "cbc:AllowanceChargeReason", 100, "BT-144",
          "Motivul taxei suplimentare la linia facturii", "Invoice line charge reason"),
)

# Context cbc:Note (every note: invoice notes, line notes, payment terms, ...).
NOTE_LIMITS: Final = (Limit("BR-RO-L302", "", 300, "BT-22", "Comentariul", "Invoice note"),)

# Context //cac:AdditionalDocumentReference.
DOCUMENT_REFERENCE_LIMITS: Final = (
    Limit("BR-RO-L0308", "cbc:ID", 200, "BT-18, BT-122",
          "Identificatorul obiectului facturat sau referința documentului justificativ",
          "Invoiced object identifier or Supporting document reference"),
    Limit("BR-RO-L1020", "cbc:DocumentDescription", 100, "BT-123",
          "Descrierea documentului justificativ", "Supporting document description"),
    Limit("BR-RO-L210", "cac:Attachment/cac:ExternalReference/cbc:URI", 200, "BT-124",
          "Adresa documentului extern", "External document location"),
    Limit("BR-RO-L211", "cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename", 200, "BT-125-2",
          "Numele fișierului atașat", "Attached document filename"),
)

# Context //cac:BillingReference.
BILLING_REFERENCE_LIMITS: Final = (
    Limit("BR-RO-L156", "cac:InvoiceDocumentReference/cbc:ID", 200, "BT-25",
          "Referința la o factură anterioară", "Preceding invoice reference"),
)

ALL_LIMITS: Final = (
    ROOT_LIMITS + PAYMENT_MEANS_LIMITS + LINE_LIMITS + ITEM_PROPERTY_LIMITS + DOCUMENT_ALLOWANCE_LIMITS
    + DOCUMENT_CHARGE_LIMITS + LINE_ALLOWANCE_LIMITS + LINE_CHARGE_LIMITS + NOTE_LIMITS
    + DOCUMENT_REFERENCE_LIMITS + BILLING_REFERENCE_LIMITS
)
# fmt: on

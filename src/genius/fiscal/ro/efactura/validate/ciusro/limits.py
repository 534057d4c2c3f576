"""CIUS-RO size limits: maximum characters per text (BR-RO-L*) and maximum occurrences (BR-RO-A*).

Each limit is ``string-length(normalize-space(<path>)) <= max`` in the context ANAF's XSLT gives
it; the tables below keep those contexts apart because ANAF's rule order decides which element is
checked by which rule (see ``ruleset.UNREACHABLE_IN_ANAF_XSLT``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RULES, invoice_only
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space, parse_xs_boolean
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule

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


@dataclass(frozen=True, slots=True)
class _Group:
    """Limits sharing the parent path: the parent elements are looked up once per context."""

    parent: str  # "" for the context element itself
    leaves: tuple[tuple[str, str, Limit], ...]  # (child name or "", attribute or "", limit)


def _grouped(limits: tuple[Limit, ...]) -> tuple[_Group, ...]:
    groups: dict[str, list[tuple[str, str, Limit]]] = {}
    for limit in limits:
        path, _, attribute = limit.path.partition("@")
        path = path.rstrip("/")
        parent, _, leaf = path.rpartition("/")
        groups.setdefault(parent, []).append((leaf, attribute, limit))
    return tuple(_Group(parent, tuple(leaves)) for parent, leaves in groups.items())


def _too_long(context: Node, groups: tuple[_Group, ...], out: list[tuple[str, Hit]]) -> None:
    """Append a (rule, hit) to ``out`` for each text of ``groups`` below ``context`` that is too long."""
    for group in groups:
        parents = context.findall(group.parent) if group.parent else (context,)
        for parent in parents:
            for leaf, attribute, limit in group.leaves:
                for node in parent.kids(leaf) if leaf else (parent,):
                    text = node.el.get(attribute) if attribute else node.text
                    # normalize-space() never lengthens a text: only long raw texts need it.
                    if text is None or len(text) <= limit.max_chars:
                        continue
                    length = len(normalize_space(text))
                    if length > limit.max_chars:
                        out.append((limit.rule_id, Hit(node, {"length": length}, attribute or None)))


def _by_indicator(charges: Iterable[Node]) -> tuple[list[Node], list[Node]]:
    """Split AllowanceCharge elements as ANAF's templates do: ``= false()`` first, then ``= true()``."""
    allowances: list[Node] = []
    charges_: list[Node] = []
    for node in charges:
        flags = {parse_xs_boolean(n.text) for n in node.kids("cbc:ChargeIndicator")}
        if False in flags:
            allowances.append(node)
        elif True in flags:
            charges_.append(node)
    return allowances, charges_


_G_ROOT_LIMITS: Final = _grouped(ROOT_LIMITS)
_G_PAYMENT_MEANS_LIMITS: Final = _grouped(PAYMENT_MEANS_LIMITS)
_G_LINE_LIMITS: Final = _grouped(LINE_LIMITS)
_G_ITEM_PROPERTY_LIMITS: Final = _grouped(ITEM_PROPERTY_LIMITS)
_G_DOCUMENT_ALLOWANCE_LIMITS: Final = _grouped(DOCUMENT_ALLOWANCE_LIMITS)
_G_DOCUMENT_CHARGE_LIMITS: Final = _grouped(DOCUMENT_CHARGE_LIMITS)
_G_LINE_ALLOWANCE_LIMITS: Final = _grouped(LINE_ALLOWANCE_LIMITS)
_G_LINE_CHARGE_LIMITS: Final = _grouped(LINE_CHARGE_LIMITS)
_G_NOTE_LIMITS: Final = _grouped(NOTE_LIMITS)
_G_DOCUMENT_REFERENCE_LIMITS: Final = _grouped(DOCUMENT_REFERENCE_LIMITS)
_G_BILLING_REFERENCE_LIMITS: Final = _grouped(BILLING_REFERENCE_LIMITS)



def _shortest_limits() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The smallest limit any rule sets on a text of each element name (and element attribute)."""
    texts: dict[str, int] = {}
    attributes: dict[tuple[str, str], int] = {}
    contexts = (  # the context element's name, for the one limit on the context's own text
        (ROOT_LIMITS, ""),
        (PAYMENT_MEANS_LIMITS, "cac:PaymentMeans"),
        (LINE_LIMITS, ""),
        (ITEM_PROPERTY_LIMITS, "cac:AdditionalItemProperty"),
        (DOCUMENT_ALLOWANCE_LIMITS, "cac:AllowanceCharge"),
        (DOCUMENT_CHARGE_LIMITS, "cac:AllowanceCharge"),
        (LINE_ALLOWANCE_LIMITS, "cac:AllowanceCharge"),
        (LINE_CHARGE_LIMITS, "cac:AllowanceCharge"),
        (NOTE_LIMITS, "cbc:Note"),
        (DOCUMENT_REFERENCE_LIMITS, "cac:AdditionalDocumentReference"),
        (BILLING_REFERENCE_LIMITS, "cac:BillingReference"),
    )
    for limits, context in contexts:
        for limit in limits:
            path, _, attribute = limit.path.partition("@")
            name = path.rstrip("/").rpartition("/")[2] or context
            if not name:
                raise ValueError(f"{limit.rule_id}: a limit on the context's own text needs its name")
            if attribute:
                key = (name, attribute)
                attributes[key] = min(attributes.get(key, limit.max_chars), limit.max_chars)
            else:
                texts[name] = min(texts.get(name, limit.max_chars), limit.max_chars)
    return texts, attributes


_SHORTEST_TEXT, _SHORTEST_ATTRIBUTE = _shortest_limits()


def _all_within_limits(doc: UblDocument) -> bool:
    """True when no text a limit measures is longer than the smallest limit on its element.

    normalize-space() never lengthens a text, so such a document breaks no BR-RO-L* limit and the
    per-context walk (~35 contexts on a 10-line invoice) is skipped.
    """
    for name, shortest in _SHORTEST_TEXT.items():
        for node in doc.all(name):
            if len(node.text) > shortest:
                return False
    for (name, attribute), shortest in _SHORTEST_ATTRIBUTE.items():
        for node in doc.all(name):
            value = node.el.get(attribute)
            if value is not None and len(value) > shortest:
                return False
    return True


@RULES.group([limit.rule() for limit in ALL_LIMITS])
def br_ro_lengths(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    out: list[tuple[str, Hit]] = []  # one list for every context (no generator per line or note)
    if _all_within_limits(doc):
        return iter(out)
    if doc.is_ubl:
        _too_long(doc.root, _G_ROOT_LIMITS, out)
    for node in doc.all("cac:PaymentMeans"):
        _too_long(node, _G_PAYMENT_MEANS_LIMITS, out)
    for name in ("cac:InvoiceLine", "cac:CreditNoteLine"):
        for node in doc.all(name):
            _too_long(node, _G_LINE_LIMITS, out)
    for node in doc.all("cac:AdditionalItemProperty"):
        if node.parent is not None and node.parent.name == "cac:Item":
            _too_long(node, _G_ITEM_PROPERTY_LIMITS, out)
    if invoice_only(doc):
        allowances, charges = _by_indicator(doc.root.kids("cac:AllowanceCharge"))
        for node in allowances:
            _too_long(node, _G_DOCUMENT_ALLOWANCE_LIMITS, out)
        for node in charges:
            _too_long(node, _G_DOCUMENT_CHARGE_LIMITS, out)
    line_charges = [
        n
        for n in doc.all("cac:AllowanceCharge")
        if n.parent is not None and n.parent.name in ("cac:InvoiceLine", "cac:CreditNoteLine")
    ]
    if line_charges:
        allowances, charges = _by_indicator(line_charges)
        for node in allowances:
            _too_long(node, _G_LINE_ALLOWANCE_LIMITS, out)
        for node in charges:
            _too_long(node, _G_LINE_CHARGE_LIMITS, out)
    for node in doc.all("cbc:Note"):
        _too_long(node, _G_NOTE_LIMITS, out)
    for node in doc.all("cac:AdditionalDocumentReference"):
        _too_long(node, _G_DOCUMENT_REFERENCE_LIMITS, out)
    for node in doc.all("cac:BillingReference"):
        _too_long(node, _G_BILLING_REFERENCE_LIMITS, out)
    return iter(out)


@RULES.rule(
    "BR-RO-A500",
    _FATAL,
    ro="O referință la factura anterioară (cac:BillingReference) poate conține cel mult 500 de facturi "
    "anterioare (BG-3); are {count}.",
    en="A billing reference (cac:BillingReference) may hold at most 500 Preceding invoice references "
    "(BG-3); it has {count}.",
    needs=("cac:BillingReference",),
)
def br_ro_a500(doc: UblDocument) -> Iterator[Hit]:
    for node in doc.all("cac:BillingReference"):
        count = len(node.kids("cac:InvoiceDocumentReference"))
        if count > 500:
            yield Hit(node, {"count": count})

"""Romanian-looking demo partners, made deterministically from a seeded ``random.Random``.

Every identifier carries real check digits (python-stdnum computes them), so the sales domain
accepts the partners exactly as it would a real customer's: CUIs (``stdnum.ro.cui``), CNPs
(``stdnum.ro.cnp``: birth date, county, check digit), Trade Register numbers in the classic
``J<county>/<n>/<year>`` form, Romanian IBANs (ISO 13616 check digits, 4-letter bank code), EU VAT
numbers of DE, AT, IT and HU (each state's own check digit). Addresses use ISO 3166-2:RO county
codes, and in Bucharest the sector as the city (CIUS-RO BR-RO-100: SECTOR1..SECTOR6).
The names and numbers are invented: any match with a real firm or person is a coincidence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.at import uid as at_uid
from stdnum.iso7064 import mod_11_10
from stdnum.ro import cnp as ro_cnp
from stdnum.ro import cui as ro_cui

from genius.apps.sales.domain.addresses import AddressInput
from genius.apps.sales.domain.partners import PartnerInput

# (ISO 3166-2:RO code, Trade Register county number, city, postal code prefix)
COUNTIES = (
    ("RO-CJ", "12", "Cluj-Napoca", "400"),
    ("RO-TM", "35", "Timisoara", "300"),
    ("RO-IS", "22", "Iasi", "700"),
    ("RO-BV", "08", "Brasov", "500"),
    ("RO-CT", "13", "Constanta", "900"),
    ("RO-SB", "32", "Sibiu", "550"),
    ("RO-BH", "05", "Oradea", "410"),
    ("RO-AG", "03", "Pitesti", "110"),
    ("RO-PH", "29", "Ploiesti", "100"),
    ("RO-DJ", "16", "Craiova", "200"),
    ("RO-MS", "26", "Targu Mures", "540"),
    ("RO-AB", "01", "Alba Iulia", "510"),
)
BUCHAREST = "RO-B"
BUCHAREST_REGISTER = "40"
STREETS = (
    "Str. Republicii",
    "Bd. Eroilor",
    "Str. Mihai Viteazu",
    "Calea Victoriei",
    "Str. Avram Iancu",
    "Bd. Independentei",
    "Str. Primaverii",
    "Str. Fabricii",
    "Calea Dorobantilor",
    "Str. Horea",
    "Bd. Revolutiei",
    "Str. Garii",
    "Str. Industriilor",
    "Aleea Teilor",
    "Str. Lalelelor",
)
NAME_PARTS = (
    "Agro",
    "Tehno",
    "Carpat",
    "Danubius",
    "Transilvania",
    "Dacia",
    "Meridian",
    "Nord",
    "Vest",
    "Optim",
    "Soft",
    "Construct",
    "Logistic",
    "Verde",
    "Alfa",
    "Delta",
    "Orizont",
    "Prima",
    "Eco",
    "Medi",
)
NAME_ENDS = ("Serv", "Trade", "Impex", "Prod", "Consult", "Distributie", "Solutions", "Group", "Com", "Tech")
FORMS = ("SRL", "SRL", "SRL", "SA", "SRL-D")
FIRST_NAMES = (
    ("Andrei", 1),
    ("Ioana", 2),
    ("Mihai", 1),
    ("Elena", 2),
    ("Radu", 1),
    ("Maria", 2),
    ("Vlad", 1),
    ("Ana", 2),
    ("Cristian", 1),
    ("Alexandra", 2),
    ("Bogdan", 1),
    ("Raluca", 2),
)
LAST_NAMES = ("Popescu", "Ionescu", "Pop", "Stan", "Dumitru", "Munteanu", "Constantin", "Marin", "Tudor")
# Romanian bank codes (4 letters of the IBAN) and their BICs.
BANKS = (
    ("BTRL", "BTRLRO22", "Banca Transilvania"),
    ("RNCB", "RNCBROBU", "BCR"),
    ("BRDE", "BRDEROBU", "BRD"),
    ("INGB", "INGBROBU", "ING Bank"),
    ("RZBR", "RZBRROBU", "Raiffeisen"),
)
# CNP county codes (positions 8-9) of the counties above: stdnum checks they exist.
CNP_COUNTY = {"RO-CJ": "12", "RO-TM": "35", "RO-IS": "22", "RO-BV": "08", "RO-CT": "13", "RO-SB": "32"}
# EU buyers: (country, city, region, postal code, street, firm name)
EU_FIRMS = (
    ("DE", "München", "Bayern", "80331", "Marienplatz 8", "Bauer Maschinenbau GmbH"),
    ("DE", "Hamburg", "Hamburg", "20095", "Mönckebergstraße 11", "Nordlicht Handels GmbH"),
    ("AT", "Wien", "Wien", "1010", "Kärntner Straße 21", "Alpen Technik GmbH"),
    ("IT", "Milano", "Lombardia", "20121", "Via Manzoni 14", "Lombarda Forniture S.r.l."),
    ("HU", "Budapest", "Budapest", "1052", "Váci utca 9", "Duna Kereskedelmi Kft."),
    ("AT", "Graz", "Steiermark", "8010", "Herrengasse 3", "Steirische Holz GmbH"),
)
# Buyers outside the EU: (country, city, region, postal code, street, firm name, tax id)
NON_EU_FIRMS = (
    ("MD", "Chisinau", "Chisinau", "MD-2001", "Bd. Stefan cel Mare 124", "Codru Import SRL", "1003600012345"),
    (
        "GB",
        "London",
        "Greater London",
        "EC1A 1BB",
        "12 Aldersgate Street",
        "Thames Supplies Ltd",
        "GB-TAX-48213",
    ),
    ("US", "Austin", "Texas", "73301", "500 Congress Ave", "Lone Star Components Inc.", "EIN 74-2938471"),
    ("CH", "Zürich", "Zürich", "8001", "Bahnhofstrasse 40", "Helvetia Präzision AG", "CHE-116.281.710"),
    ("RS", "Beograd", "Beograd", "11000", "Knez Mihailova 22", "Sava Trgovina d.o.o.", "RS-101234567"),
)


@dataclass(frozen=True)
class DemoPartner:
    """A partner to create and what the invoice plan needs to know of it."""

    key: str  # stable within one seed: c01, i03, eu2, x1
    segment: str  # ro_company, individual, eu_company, non_eu_company
    partner: PartnerInput
    vat_payer: bool = False


def cui(rng: random.Random) -> str:
    body = str(rng.randint(1_000_000, 49_999_999))
    return body + ro_cui.calc_check_digit(body)


def cnp(rng: random.Random, county: str) -> tuple[str, str]:
    """(a CNP of someone born 1960-2002 in ``county``, the gender digit's first name sex 1/2)."""
    sex = rng.choice((1, 2))
    year = rng.randint(1960, 1999)
    body = f"{sex}{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{CNP_COUNTY[county]}"
    body += f"{rng.randint(1, 999):03d}"
    return body + ro_cnp.calc_check_digit(body), str(sex)


def ro_iban(rng: random.Random) -> tuple[str, str, str]:
    """(IBAN, BIC, bank name) of an account at a Romanian bank."""
    code, bic, name = rng.choice(BANKS)
    account = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    draft = f"RO00{code}{account}"
    return f"RO{std_iban.calc_check_digits(draft)}{code}{account}", bic, name


def eu_vat(rng: random.Random, country: str) -> str:
    if country == "DE":
        body = str(rng.randint(10_000_000, 99_999_999))
        return f"DE{body}{mod_11_10.calc_check_digit(body)}"
    if country == "AT":
        body = f"U{rng.randint(1_000_000, 9_999_999)}"
        return f"AT{body}{at_uid.calc_check_digit(body)}"
    if country == "IT":
        body = f"{rng.randint(1_000_000, 9_999_999)}{rng.randint(1, 99):03d}"
        return f"IT{body}{luhn.calc_check_digit(body)}"
    if country == "HU":
        body = str(rng.randint(1_000_000, 9_999_999))
        # stdnum.hu.anum: weights 9,7,3,1,9,7,3,1 over the 8 digits sum to a multiple of 10.
        check = -sum(w * int(d) for w, d in zip((9, 7, 3, 1, 9, 7, 3), body, strict=True)) % 10
        return f"HU{body}{check}"
    raise ValueError(f"no VAT number generator for {country}")


def _ro_address(rng: random.Random, bucharest_share: float = 0.35) -> tuple[AddressInput, str]:
    """(an address, its Trade Register county number)."""
    street = f"{rng.choice(STREETS)} nr. {rng.randint(1, 180)}"
    if rng.random() < bucharest_share:
        sector = rng.randint(1, 6)
        postal = f"0{sector}{rng.randint(1000, 9999)}"
        # CIUS-RO BR-RO-100: in Bucharest the city is the sector (the domain accepts "Sector 3").
        address = AddressInput(
            street=street, city=f"Sector {sector}", postal_code=postal, county=BUCHAREST, country_code="RO"
        )
        return address, BUCHAREST_REGISTER
    county, register, city, prefix = rng.choice(COUNTIES)
    address = AddressInput(
        street=street,
        city=city,
        postal_code=f"{prefix}{rng.randint(100, 999)}",
        county=county,
        country_code="RO",
    )
    return address, register


def _firm_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(NAME_PARTS)} {rng.choice(NAME_ENDS)} {rng.choice(FORMS)}"
        if name not in used:
            used.add(name)
            return name


def partners(rng: random.Random, total: int = 40) -> list[DemoPartner]:
    """``total`` partners: ~60 % Romanian companies (most VAT payers), ~20 % individuals, the rest
    EU and non-EU firms (at least one of each kind when ``total`` allows)."""
    n_eu = max(1, round(total * 0.12))
    n_non_eu = max(1, round(total * 0.08))
    n_people = max(1, round(total * 0.2))
    n_ro = max(1, total - n_eu - n_non_eu - n_people)
    out: list[DemoPartner] = []
    names: set[str] = set()
    cuis: set[str] = set()
    for i in range(n_ro):
        address, register = _ro_address(rng)
        number = cui(rng)
        while number in cuis:
            number = cui(rng)
        cuis.add(number)
        vat_payer = i % 7 != 6  # a few small firms outside VAT
        iban, bic, bank = ro_iban(rng)
        name = _firm_name(rng, names)
        partner = PartnerInput(
            kind="company",
            name=name,
            cui=f"RO{number}" if vat_payer else number,
            vat_payer=vat_payer,
            trade_register=f"J{register}/{rng.randint(100, 25000)}/{rng.randint(1995, 2023)}",
            address=address,
            iban=iban,
            bank_name=bank,
            bic=bic,
            # Reserved domains only (RFC 2606): a demo e-mail must never reach a real inbox.
            email=f"facturi@{name.split()[0].lower()}{name.split()[1].lower()}.example",
            phone=f"07{rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            payment_term_days=rng.choice((15, 30, 30, 45, 60)),
        )
        out.append(DemoPartner(f"c{i + 1:02d}", "ro_company", partner, vat_payer))
    for i in range(n_people):
        first, _ = rng.choice(FIRST_NAMES)
        name = f"{first} {rng.choice(LAST_NAMES)}"
        county = rng.choice(sorted(CNP_COUNTY))
        with_cnp = i % 3 != 2  # some customers give no CNP: thirteen zeros on the invoice (CIUS-RO)
        personal = cnp(rng, county)[0] if with_cnp else None
        _, _, city, prefix = next(c for c in COUNTIES if c[0] == county)
        address = AddressInput(
            street=f"{rng.choice(STREETS)} nr. {rng.randint(1, 90)}, ap. {rng.randint(1, 40)}",
            city=city,
            postal_code=f"{prefix}{rng.randint(100, 999)}",
            county=county,
            country_code="RO",
        )
        partner = PartnerInput(
            kind="individual",
            name=name,
            cnp=personal,
            address=address,
            email=f"{name.lower().replace(' ', '.')}@example.com",
        )
        out.append(DemoPartner(f"i{i + 1:02d}", "individual", partner))
    for i in range(n_eu):
        country, city, region, postal, street, firm = EU_FIRMS[i % len(EU_FIRMS)]
        partner = PartnerInput(
            kind="foreign",
            name=firm if i < len(EU_FIRMS) else f"{firm} ({i + 1})",
            vat_id=eu_vat(rng, country),
            address=AddressInput(
                street=street, city=city, postal_code=postal, county=region, country_code=country
            ),
            email=f"invoices{i + 1}@example.com",
            payment_term_days=30,
        )
        out.append(DemoPartner(f"eu{i + 1}", "eu_company", partner))
    for i in range(n_non_eu):
        country, city, region, postal, street, firm, tax_id = NON_EU_FIRMS[i % len(NON_EU_FIRMS)]
        partner = PartnerInput(
            kind="foreign",
            name=firm if i < len(NON_EU_FIRMS) else f"{firm} ({i + 1})",
            tax_id=tax_id,
            address=AddressInput(
                street=street, city=city, postal_code=postal, county=region, country_code=country
            ),
            email=f"ap{i + 1}@example.com",
            payment_term_days=45,
        )
        out.append(DemoPartner(f"x{i + 1}", "non_eu_company", partner))
    return out


def supplier_firms(rng: random.Random, total: int = 8) -> list[dict[str, object]]:
    """Romanian suppliers of the demo company (seller parties in the e-Factura JSON form)."""
    names: set[str] = set()
    out = []
    for _ in range(total):
        address, register = _ro_address(rng, bucharest_share=0.4)
        number = cui(rng)
        iban, bic, _ = ro_iban(rng)
        name = _firm_name(rng, names)
        city = address.city or ""
        if address.county == BUCHAREST:
            city = city.replace("Sector ", "SECTOR")
        out.append(
            {
                "name": name,
                "vat_id": f"RO{number}",
                "legal_registration_id": {"value": f"J{register}/{rng.randint(100, 25000)}/2015"},
                "address": {
                    "street": address.street,
                    "city": city,
                    "postal_code": address.postal_code,
                    "country_subdivision": address.county,
                    "country_code": "RO",
                },
                "iban": iban,
                "bic": bic,
            }
        )
    return out

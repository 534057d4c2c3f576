"""The demo company's catalogue: 60 products and services a Romanian IT and office-supplies firm sells.

Units are UN/ECE Recommendation 20 codes (H87 piece, HUR hour, DAY, MON, KGM, SET, ...). VAT is
given as a category and, for S, a rate *kind* (standard 21 %, reduced 11 % from 2025-08-01): the
rate itself follows each invoice's tax point (``genius.fiscal.ro.vat``). Exempt services carry
their VATEX code (BT-121); goods under domestic reverse charge (Codul fiscal art. 331: mobile
phones, laptops, cereals) carry their Combined Nomenclature code, which the domain requires.
Prices are list prices in RON; the plan varies quantities, not prices.
"""

from __future__ import annotations

from dataclasses import dataclass

from genius.apps.sales.domain.products import ProductInput


@dataclass(frozen=True)
class DemoProduct:
    key: str  # the product code
    group: str  # standard, reduced, exempt, reverse_charge
    product: ProductInput

    @property
    def goods(self) -> bool:
        return self.product.kind == "goods"


# (code, name, kind, unit, price) of standard-rated goods and services.
STANDARD = (
    ("LIC-VZ", "Licenta Genius ERP - modul vanzari", "service", "H87", "1250.00"),
    ("LIC-CT", "Licenta Genius ERP - modul contabilitate", "service", "H87", "1450.00"),
    ("LIC-HR", "Licenta Genius ERP - modul salarizare", "service", "H87", "980.00"),
    ("ABN-CLD", "Abonament gazduire cloud", "service", "MON", "390.00"),
    ("ABN-SUP", "Abonament suport tehnic", "service", "MON", "650.00"),
    ("CONS-IT", "Consultanta implementare ERP", "service", "HUR", "280.00"),
    ("DEV-CUS", "Dezvoltare personalizata", "service", "HUR", "320.00"),
    ("MIG-DAT", "Migrare date din sistemul vechi", "service", "C62", "2400.00"),
    ("AUD-SEC", "Audit securitate informatica", "service", "DAY", "3200.00"),
    ("ADM-RET", "Administrare retea", "service", "MON", "1100.00"),
    ("INST-ON", "Instalare si configurare la client", "service", "HUR", "190.00"),
    ("DEPL", "Deplasare tehnician", "service", "KMT", "2.50"),
    ("BKP-OFF", "Backup externalizat", "service", "MON", "240.00"),
    ("DOM-RO", "Inregistrare domeniu .ro", "service", "ANN", "95.00"),
    ("SSL-CRT", "Certificat SSL", "service", "ANN", "420.00"),
    ("LAP-14", "Laptop 14 inch, 16 GB RAM", "goods", "H87", "4650.00"),
    ("MON-27", "Monitor 27 inch IPS", "goods", "H87", "1290.00"),
    ("IMP-LAS", "Imprimanta laser monocrom", "goods", "H87", "890.00"),
    ("TAST-W", "Tastatura si mouse wireless", "goods", "SET", "159.00"),
    ("SSD-1T", "SSD 1 TB NVMe", "goods", "H87", "379.00"),
    ("UPS-1K", "UPS 1000 VA", "goods", "H87", "720.00"),
    ("SW-24", "Switch 24 porturi gigabit", "goods", "H87", "1150.00"),
    ("CBL-UTP", "Cablu UTP cat. 6", "goods", "MTR", "3.20"),
    ("HRT-A4", "Hartie copiator A4, 80 g/mp", "goods", "XPK", "27.50"),
    ("TON-85", "Cartus toner negru", "goods", "H87", "245.00"),
    ("BIB-A4", "Biblioraft plastifiat A4", "goods", "H87", "11.90"),
    ("PIX-AL", "Pix cu gel, albastru", "goods", "XBX", "42.00"),
    ("SCA-ERG", "Scaun ergonomic de birou", "goods", "H87", "1390.00"),
    ("BIR-160", "Birou 160 x 80 cm", "goods", "H87", "1690.00"),
    ("DIST-AP", "Dozator apa cu filtrare", "goods", "H87", "990.00"),
    ("CAF-BOA", "Cafea boabe 1 kg", "goods", "KGM", "89.00"),
    ("DET-SUP", "Detergent suprafete 5 l", "goods", "LTR", "9.80"),
    ("CUT-ARH", "Cutie arhivare carton", "goods", "H87", "8.40"),
    ("ETK-AUT", "Etichete autoadezive A4", "goods", "XPK", "36.00"),
    ("INCH-LC", "Inchiriere echipament de prezentare", "service", "DAY", "350.00"),
    ("TRN-CUR", "Transport marfa (curier)", "service", "C62", "35.00"),
    ("MENT-PR", "Mentenanta imprimante", "service", "MON", "180.00"),
    ("RAP-BI", "Raport personalizat Business Intelligence", "service", "C62", "1800.00"),
    ("INT-API", "Integrare API cu magazin online", "service", "C62", "5400.00"),
    ("SITE-WP", "Realizare site de prezentare", "service", "C62", "6200.00"),
    ("SEO-LUN", "Optimizare SEO lunara", "service", "MON", "850.00"),
    ("GRF-LOG", "Design logo si identitate vizuala", "service", "C62", "2100.00"),
    ("TRAD-PG", "Traducere tehnica", "service", "C62", "45.00"),
    ("ARH-DOC", "Arhivare electronica documente", "service", "MON", "310.00"),
)
# Reduced rate (11 % from 2025-08-01; Codul fiscal art. 291(2)-(3)): books, food, some services.
REDUCED = (
    ("CART-ERP", "Carte: Contabilitate cu Genius ERP", "goods", "H87", "79.00"),
    ("MAN-SAFT", "Manual SAF-T D406 pe intelesul tuturor", "goods", "H87", "64.00"),
    ("REV-TECH", "Revista tehnica, abonament anual", "goods", "ANN", "180.00"),
    ("APA-MIN", "Apa minerala 0,5 l (bax 12)", "goods", "XPK", "21.60"),
    ("SNK-BIR", "Pachet gustari pentru birou", "goods", "XPK", "58.00"),
    ("CAZ-EVT", "Cazare participanti eveniment", "service", "DAY", "320.00"),
    ("CAT-EVT", "Catering eveniment (pe persoana)", "service", "C62", "95.00"),
)
# Exempt without deduction (Codul fiscal art. 292), with their VATEX code (BT-121).
EXEMPT = (
    ("CURS-ERP", "Curs autorizat utilizare ERP", "service", "HUR", "150.00", "VATEX-EU-132-1I"),
    ("CURS-CT", "Curs formare profesionala contabilitate", "service", "DAY", "900.00", "VATEX-EU-132-1I"),
    ("EXAM-CERT", "Examen de certificare", "service", "C62", "350.00", "VATEX-EU-132-1I"),
    ("MED-MUN", "Servicii medicina muncii (abonament)", "service", "MON", "45.00", "VATEX-EU-132-1C"),
    ("WEB-EDU", "Webinar educational", "service", "C62", "120.00", "VATEX-EU-132-1I"),
)
# Domestic reverse charge (Codul fiscal art. 331(2)): goods identified by their NC code.
REVERSE_CHARGE = (
    ("TEL-SMT", "Telefon mobil smartphone", "goods", "H87", "2150.00", "85171300"),
    ("LAP-PRO", "Laptop profesional 15 inch", "goods", "H87", "6900.00", "84713000"),
    ("TAB-10", "Tableta 10 inch", "goods", "H87", "1490.00", "84713000"),
    ("GRAU-T", "Grau panificatie", "goods", "TNE", "1150.00", "10019900"),
)


def _made(group: str, row: tuple[str, ...], **vat: str) -> DemoProduct:
    code, name, kind, unit, price = row[:5]
    return DemoProduct(
        code,
        group,
        ProductInput(code=code, name=name, kind=kind, unit_code=unit, price=price, **vat),
    )


def products() -> list[DemoProduct]:
    """The 60 products (fixed: the same for every seed; only the invoices vary)."""
    return [
        *(_made("standard", row, vat_category="S", vat_rate_kind="standard") for row in STANDARD),
        *(_made("reduced", row, vat_category="S", vat_rate_kind="reduced") for row in REDUCED),
        *(_made("exempt", row, vat_category="E", vatex_code=row[5]) for row in EXEMPT),
        *(_made("reverse_charge", row, vat_category="AE", nc_code=row[5]) for row in REVERSE_CHARGE),
    ]

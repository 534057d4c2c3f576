"""The double's VAT payer registry: seeded TEST firms answered in PlatitorTvaRest v9's JSON shape.

Every firm is invented (names say so); CUIs have valid check digits. The seed covers the cases
the product must handle: VAT payers (the e-Factura examples' seller and buyers), a firm that
is not a VAT payer, an inactive firm, one reactivated, VAT on collection, split VAT, a firm
that stopped being a VAT payer, and a deregistered one. Answers depend on the queried date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from genius.integrations.anaf.limits import VAT_BATCH_SIZE


@dataclass(frozen=True)
class Span:
    """A period [start, end] (end None = still running)."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class TestFirm:
    __test__ = False  # not a pytest test class
    cui: int
    name: str
    address: str
    county: str
    county_code: str
    county_auto: str
    locality: str
    street: str
    number: str
    postal_code: str
    trade_register_no: str
    caen: str = "6201"
    registered_on: date = date(2015, 3, 2)
    vat_periods: tuple[Span, ...] = ()
    vat_on_collection: tuple[Span, ...] = ()
    inactive: tuple[Span, ...] = ()  # start = inactivated, end = reactivated
    split_vat: tuple[Span, ...] = ()
    deregistered_on: date | None = None
    e_factura: bool = True
    legal_form: str = "SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ"


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _current(spans: tuple[Span, ...], day: date) -> Span | None:
    return next((s for s in spans if s.covers(day)), None)


def _latest_started(spans: tuple[Span, ...], day: date) -> Span | None:
    started = [s for s in spans if s.start <= day]
    return max(started, key=lambda s: s.start) if started else None


def record_for(firm: TestFirm, day: date) -> dict[str, Any]:
    """The ``found[]`` item ANAF would give for ``firm`` on ``day``."""
    vat_now = _current(firm.vat_periods, day)
    rtvai = _current(firm.vat_on_collection, day) or _latest_started(firm.vat_on_collection, day)
    inactive = _latest_started(firm.inactive, day)
    split = _current(firm.split_vat, day) or _latest_started(firm.split_vat, day)
    address = {
        "denumire_Strada": firm.street,
        "numar_Strada": firm.number,
        "denumire_Localitate": firm.locality,
        "cod_Localitate": "",
        "denumire_Judet": firm.county,
        "cod_Judet": firm.county_code,
        "cod_JudetAuto": firm.county_auto,
        "tara": "",
        "detalii_Adresa": "",
        "cod_Postal": firm.postal_code,
    }
    return {
        "date_generale": {
            "cui": firm.cui,
            "data": day.isoformat(),
            "denumire": firm.name,
            "adresa": firm.address,
            "nrRegCom": firm.trade_register_no,
            "telefon": "",
            "fax": "",
            "codPostal": firm.postal_code,
            "act": "",
            "stare_inregistrare": (
                f"RADIERE din data {firm.deregistered_on:%d.%m.%Y}"
                if firm.deregistered_on and firm.deregistered_on <= day
                else f"INREGISTRAT din data {firm.registered_on:%d.%m.%Y}"
            ),
            "data_inregistrare": firm.registered_on.isoformat(),
            "cod_CAEN": firm.caen,
            "iban": "",
            "statusRO_e_Factura": firm.e_factura,
            "organFiscalCompetent": f"Administrația Județeană a Finanțelor Publice {firm.county.title()}",
            "forma_de_proprietate": "PROPRIETATE PRIVATA-CAPITAL PRIVAT AUTOHTON",
            "forma_organizare": "PERSOANA JURIDICA",
            "forma_juridica": firm.legal_form,
        },
        "inregistrare_scop_Tva": {
            "scpTVA": vat_now is not None,
            "perioade_TVA": [
                {
                    "data_inceput_ScpTVA": _iso(span.start),
                    "data_sfarsit_ScpTVA": _iso(span.end),
                    "data_anul_imp_ScpTVA": _iso(span.end),
                    "mesaj_ScpTVA": "" if span.end is None else "ANULARE INREGISTRARE IN SCOPURI DE TVA",
                }
                for span in firm.vat_periods
                if span.start <= day
            ],
        },
        "inregistrare_RTVAI": {
            "dataInceputTvaInc": _iso(rtvai.start if rtvai else None),
            "dataSfarsitTvaInc": _iso(rtvai.end if rtvai else None),
            "dataActualizareTvaInc": _iso(rtvai.start if rtvai else None),
            "dataPublicareTvaInc": _iso(rtvai.start if rtvai else None),
            "tipActTvaInc": "Inregistrare" if rtvai else "",
            "statusTvaIncasare": bool(rtvai and rtvai.covers(day)),
        },
        "stare_inactiv": {
            "dataInactivare": _iso(inactive.start if inactive else None),
            "dataReactivare": _iso(inactive.end if inactive else None),
            "dataPublicare": _iso(inactive.start if inactive else None),
            "dataRadiere": _iso(
                firm.deregistered_on if firm.deregistered_on and firm.deregistered_on <= day else None
            ),
            "statusInactivi": bool(inactive and inactive.covers(day)),
        },
        "inregistrare_SplitTVA": {
            "dataInceputSplitTVA": _iso(split.start if split else None),
            "dataAnulareSplitTVA": _iso(split.end if split else None),
            "statusSplitTVA": bool(split and split.covers(day)),
        },
        "adresa_sediu_social": {f"s{key}": value for key, value in address.items()},
        "adresa_domiciliu_fiscal": {f"d{key}": value for key, value in address.items()},
    }


def registry_answer(body: bytes, firms: Mapping[int, TestFirm]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON) of ``POST /api/PlatitorTvaRest/v9/tva`` for ``body``."""
    try:
        items = json.loads(body)
    except ValueError:
        return 400, {"cod": 400, "message": "Body-ul cererii nu este un JSON valid"}
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return 400, {"cod": 400, "message": "Se asteapta o lista de obiecte {cui, data}"}
    if len(items) > VAT_BATCH_SIZE:
        return 400, {"cod": 400, "message": f"Numarul maxim de CUI-uri per cerere este {VAT_BATCH_SIZE}"}
    found, not_found = [], []
    for item in items:
        try:
            cui = int(item.get("cui"))
            day = date.fromisoformat(str(item.get("data")))
        except (TypeError, ValueError):
            return 400, {"cod": 400, "message": f"Element invalid: {item!r:.100}"}
        firm = firms.get(cui)
        if firm is None:
            not_found.append(cui)
        else:
            found.append(record_for(firm, day))
    # ANAF documents a cod/message wrapper, but live answers carry only these two keys.
    return 200, {"found": found, "notFound": not_found}


def _firm(
    cui: int, name: str, county: str, code: str, auto: str, locality: str, street: str, **kw: Any
) -> TestFirm:
    return TestFirm(
        cui=cui,
        name=name,
        address=f"JUD. {county}, {locality}, {street} NR. {kw.get('number', '1')}",
        county=county,
        county_code=code,
        county_auto=auto,
        locality=locality,
        street=street,
        number=kw.pop("number", "1"),
        postal_code=kw.pop("postal_code", ""),
        trade_register_no=kw.pop("trade_register_no", f"J{code}/{cui % 9000}/2015"),
        **kw,
    )


SEED_FIRMS: tuple[TestFirm, ...] = (
    # The e-Factura examples' parties (docs/examples/efactura-*.json).
    _firm(
        12345674,
        "GENIUS DEMO SRL (TEST)",
        "CLUJ",
        "12",
        "CJ",
        "Cluj-Napoca",
        "Str. Memorandumului",
        number="28",
        postal_code="400114",
        trade_register_no="J12/3456/2020",
        vat_periods=(Span(date(2020, 6, 1)),),
    ),
    _firm(
        23456783,
        "CLIENT EXEMPLU SRL (TEST)",
        "MUNICIPIUL BUCUREŞTI",
        "40",
        "B",
        "Sector 3",
        "Bd. Unirii",
        postal_code="030823",
        vat_periods=(Span(date(2016, 1, 1)),),
    ),
    _firm(
        11223342,
        "AGRO FERMA EXEMPLU SRL (TEST)",
        "SIBIU",
        "32",
        "SB",
        "Cisnădie",
        "Sat Cisnădioara",
        number="12",
        postal_code="555301",
        trade_register_no="J32/111/2012",
        vat_periods=(Span(date(2012, 5, 1)),),
    ),
    # Special cases.
    _firm(
        10000008,
        "FIRMA NEPLATITOARE TVA SRL (TEST)",
        "IAŞI",
        "22",
        "IS",
        "Iaşi",
        "Str. Lăpuşneanu",
        e_factura=False,
    ),
    _firm(
        30000002,
        "FIRMA INACTIVA SRL (TEST)",
        "TIMIŞ",
        "35",
        "TM",
        "Timişoara",
        "Str. Alba Iulia",
        vat_periods=(Span(date(2016, 1, 1), date(2024, 3, 14)),),
        inactive=(Span(date(2024, 3, 15)),),
    ),
    _firm(
        40000000,
        "FIRMA REACTIVATA SRL (TEST)",
        "BRAŞOV",
        "8",
        "BV",
        "Braşov",
        "Str. Republicii",
        vat_periods=(Span(date(2016, 1, 1)),),
        inactive=(Span(date(2023, 2, 1), date(2023, 9, 30)),),
    ),
    _firm(
        50000007,
        "FIRMA TVA LA INCASARE SRL (TEST)",
        "CONSTANŢA",
        "14",
        "CT",
        "Constanţa",
        "Bd. Tomis",
        vat_periods=(Span(date(2018, 1, 1)),),
        vat_on_collection=(Span(date(2019, 1, 1)),),
    ),
    _firm(
        60000004,
        "FIRMA SPLIT TVA SRL (TEST)",
        "DOLJ",
        "16",
        "DJ",
        "Craiova",
        "Str. Unirii",
        vat_periods=(Span(date(2017, 1, 1)),),
        split_vat=(Span(date(2018, 1, 1), date(2019, 1, 31)),),
    ),
    _firm(
        70000001,
        "FIRMA FOSTA PLATITOARE SRL (TEST)",
        "PRAHOVA",
        "29",
        "PH",
        "Ploieşti",
        "Str. Gheorghe Doja",
        vat_periods=(Span(date(2015, 4, 1), date(2022, 12, 31)),),
    ),
    _firm(
        80000009,
        "FIRMA RADIATA SRL (TEST)",
        "BIHOR",
        "5",
        "BH",
        "Oradea",
        "Str. Republicii",
        vat_periods=(Span(date(2015, 4, 1), date(2021, 6, 30)),),
        deregistered_on=date(2021, 7, 1),
        e_factura=False,
    ),
)


__all__ = ["SEED_FIRMS", "Span", "TestFirm", "record_for", "registry_answer"]

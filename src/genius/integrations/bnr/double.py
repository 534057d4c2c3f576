"""The BNR double: BNR's rates XML over HTTP from seeded rates (tests, the sandbox, offline demos).

Serves ``/nbrfxrates.xml`` (the last sheet), ``/nbrfxrates10days.xml`` and
``/files/xml/years/nbrfxrates<YYYY>.xml`` with BNR's document shape (``render_bnr_xml``).
``seed_rates(start, end)`` makes deterministic, plausible TEST rates for every weekday (not
BNR's real figures). ``fail_next(status, times)`` injects failures.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from lxml import etree
from lxml.builder import ElementMaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from genius.integrations.bnr.model import ExchangeRate, RateSheet
from genius.integrations.bnr.parse import BNR_NAMESPACE

# Plausible levels (RON per unit or per multiplier) to seed TEST rates from; not BNR data.
SEED_LEVELS: dict[str, tuple[str, int]] = {
    "EUR": ("4.9750", 1),
    "USD": ("4.5500", 1),
    "GBP": ("5.8200", 1),
    "CHF": ("5.2500", 1),
    "HUF": ("1.2400", 100),
    "JPY": ("3.0500", 100),
    "PLN": ("1.1600", 1),
    "MDL": ("0.2550", 1),
    "CZK": ("0.1980", 1),
    "XAU": ("385.0000", 1),
}


def seed_rates(start: date, end: date, *, seed: int = 2005) -> list[RateSheet]:
    """One sheet per weekday in [start, end], a gentle random walk around ``SEED_LEVELS``."""
    generator = random.Random(seed)
    levels = {code: Decimal(value) for code, (value, _) in SEED_LEVELS.items()}
    sheets: list[RateSheet] = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            rates = []
            for code, (_, multiplier) in SEED_LEVELS.items():
                step = Decimal(str(round(generator.uniform(-0.002, 0.002), 6)))
                levels[code] = (levels[code] * (1 + step)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
                rates.append(ExchangeRate(day, code, levels[code], multiplier))
            sheets.append(RateSheet(day, tuple(rates)))
        day += timedelta(days=1)
    return sheets


def render_bnr_xml(sheets: Iterable[RateSheet], publishing_date: date | None = None) -> bytes:
    """BNR's ``DataSet`` document for the given sheets (oldest first)."""
    ordered = sorted(sheets, key=lambda sheet: sheet.day)
    E = ElementMaker(namespace=BNR_NAMESPACE, nsmap={None: BNR_NAMESPACE})
    published = publishing_date or (ordered[-1].day if ordered else date.today())
    cubes = []
    for sheet in ordered:
        rates = []
        for rate in sheet.rates:
            attributes = {"currency": rate.currency}
            if rate.multiplier != 1:
                attributes["multiplier"] = str(rate.multiplier)
            rates.append(E.Rate(str(rate.rate), **attributes))
        cubes.append(E.Cube(*rates, date=sheet.day.isoformat()))
    document = E.DataSet(
        E.Header(
            E.Publisher("National Bank of Romania (TEST double)"),
            E.PublishingDate(published.isoformat()),
            E.MessageType("DR"),
        ),
        E.Body(E.Subject("Reference rates"), E.OrigCurrency("RON"), *cubes),
    )
    return etree.tostring(document, xml_declaration=True, encoding="utf-8", pretty_print=True)


class BnrDouble:
    def __init__(self, sheets: Iterable[RateSheet] | None = None) -> None:
        self.sheets = sorted(
            sheets if sheets is not None else seed_rates(date(2024, 1, 1), date.today()), key=lambda s: s.day
        )
        self.calls = 0
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/nbrfxrates.xml", self._daily),
                Route("/nbrfxrates10days.xml", self._ten_days),
                Route("/files/xml/years/nbrfxrates{year:int}.xml", self._year),
            ]
        )

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def _answer(self, sheets: list[RateSheet]) -> Response:
        with self._lock:
            self.calls += 1
            status = self._failures.pop(0) if self._failures else None
        if status is not None:
            return PlainTextResponse(f"double: injected HTTP {status}", status)
        if not sheets:
            return PlainTextResponse("Not Found", 404)
        return Response(render_bnr_xml(sheets), media_type="text/xml")

    async def _daily(self, request: Request) -> Response:
        return self._answer(self.sheets[-1:])

    async def _ten_days(self, request: Request) -> Response:
        return self._answer(self.sheets[-10:])

    async def _year(self, request: Request) -> Response:
        year = request.path_params["year"]
        return self._answer([sheet for sheet in self.sheets if sheet.day.year == year])


__all__ = ["SEED_LEVELS", "BnrDouble", "render_bnr_xml", "seed_rates"]

"""Worker contract ``bnr_rates``: import BNR's reference rates into the tenant database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from genius.kernel.messages import Event

# daily/ten_days/year fetch BNR's feed; file reads BNR's XML from the tenant's object storage (offline).
SOURCES = ("daily", "ten_days", "year", "file")
# Where source ``file`` looks when the request names no key.
DEFAULT_FILE_KEY = "bnr/nbrfxrates.xml"


@dataclass(frozen=True)
class BnrRatesRequested(Event):
    """Fetch BNR's rates XML (daily, last ten days, or a whole year), or read a stored copy, and store
    every rate."""

    event_type: ClassVar[str] = "worker.request.bnr.rates"
    schema_version: ClassVar[int] = 1

    source: Annotated[str, "daily (nbrfxrates.xml), ten_days, year, or file (a stored copy)"] = "daily"
    year: Annotated[int | None, "The year, for source year"] = None
    key: Annotated[
        str | None, "Object-storage key of BNR's XML, for source file (default bnr/nbrfxrates.xml)"
    ] = None


@dataclass(frozen=True)
class BnrRatesImported(Event):
    """BNR's rates were stored (re-importing a day changes nothing)."""

    event_type: ClassVar[str] = "worker.response.bnr.rates"
    schema_version: ClassVar[int] = 1

    source: Annotated[str, "What was fetched"]
    sheets: Annotated[int, "Banking days stored"]
    rates: Annotated[int, "Rates stored"]
    first_day: Annotated[date | None, "Oldest BNR date in the import"] = None
    last_day: Annotated[date | None, "Newest BNR date in the import"] = None

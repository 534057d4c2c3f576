"""The BNR client: fetches the daily, 10-day and yearly rates files through the resilience kit.

URLs under ``settings.bnr_url`` (``https://www.bnr.ro``): ``/nbrfxrates.xml`` (the last banking
day), ``/nbrfxrates10days.xml`` and ``/files/xml/years/nbrfxrates<YYYY>.xml``. Every call goes
through ``Resilient("bnr")``: retries on transient failures (reads are idempotent), a breaker,
a per-attempt timeout. Effective-dated storage of the rates is the caller's (sales app) concern.
"""

from __future__ import annotations

from datetime import date

import httpx

from genius.integrations.bnr.errors import BnrCircuitOpen, BnrError, BnrUnavailable
from genius.integrations.bnr.model import BnrDocument, RateSheet
from genius.integrations.bnr.parse import parse_bnr_xml
from genius.kernel.errors import ValidationError
from genius.platform.resilience import (
    CALLER_ERRORS,
    BreakerPolicy,
    BreakerStore,
    CallTimeout,
    CircuitOpen,
    Policy,
    Resilient,
    RetryPolicy,
)
from genius.platform.settings import Settings

DAILY_PATH = "nbrfxrates.xml"
TEN_DAYS_PATH = "nbrfxrates10days.xml"
YEAR_PATH = "files/xml/years/nbrfxrates{year}.xml"
FIRST_YEAR = 2005  # the first yearly file BNR publishes


def default_policy(timeout: float = 20.0) -> Policy:
    return Policy(
        timeout=timeout * 2,  # backstop above httpx's own timeout
        retry=RetryPolicy(attempts=3, initial_wait=0.5, max_wait=5.0, retry_on=(BnrUnavailable, CallTimeout)),
        breaker=BreakerPolicy(failure_threshold=5, reset_timeout=60.0, ignore=CALLER_ERRORS),
    )


class BnrClient:
    def __init__(
        self,
        base_url: str = "https://www.bnr.ro",
        *,
        http: httpx.Client | None = None,
        timeout: float = 20.0,
        policy: Policy | None = None,
        breaker_store: BreakerStore | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client()
        self._owns_http = http is None
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self._guard = Resilient("bnr", policy or default_policy(timeout), store=breaker_store)

    @classmethod
    def from_settings(cls, settings: Settings, **options: object) -> BnrClient:
        return cls(settings.bnr_url, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        self._guard.close()
        if self._owns_http:
            self._http.close()

    def latest(self) -> BnrDocument:
        """The last banking day's rates (published around 13:00 Bucharest time)."""
        return self._fetch(DAILY_PATH)

    def last_ten_days(self) -> BnrDocument:
        return self._fetch(TEN_DAYS_PATH)

    def year(self, year: int) -> BnrDocument:
        """Every sheet of one calendar year (the current year: up to the last banking day)."""
        if not isinstance(year, int) or not FIRST_YEAR <= year <= date.today().year:
            raise ValidationError.for_field(
                "year", f"must be {FIRST_YEAR}..{date.today().year}, got {year!r}"
            )
        return self._fetch(YEAR_PATH.format(year=year))

    def sheet_on_or_before(self, day: date) -> RateSheet | None:
        """The sheet in force for ``day``: that day's, or the last banking day's before it."""
        sheet = self.year(day.year).sheet_on_or_before(day)
        if sheet is None and day.year > FIRST_YEAR:  # early January: last year's final sheet
            sheet = self.year(day.year - 1).latest
        return sheet

    def _fetch(self, path: str) -> BnrDocument:
        url = f"{self.base_url}/{path}"

        def attempt() -> BnrDocument:
            try:
                response = self._http.get(url, timeout=self._timeout)
            except httpx.HTTPError as exc:
                raise BnrUnavailable(f"BNR {path}: {type(exc).__name__}: {exc}") from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise BnrUnavailable(f"BNR {path}: HTTP {response.status_code}", status=response.status_code)
            if response.status_code != 200:  # 404 for a year not published: not worth retrying
                raise BnrError(
                    f"BNR {path}: unexpected HTTP {response.status_code}",
                    details={"status": response.status_code},
                )
            return parse_bnr_xml(response.content)

        try:
            return self._guard.call(attempt)
        except CircuitOpen as exc:
            raise BnrCircuitOpen(f"BNR: {exc.message}; not called") from exc
        except CallTimeout as exc:
            raise BnrUnavailable(f"BNR {path}: {exc.message}") from exc


__all__ = ["BnrClient", "default_policy"]

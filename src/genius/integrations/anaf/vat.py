"""The public VAT payer registry (PlatitorTvaRest v9): who is a VAT payer, inactive, on VAT-on-collection.

``POST {public}/api/PlatitorTvaRest/v9/tva`` with ``[{"cui": 123, "data": "YYYY-MM-DD"}, ...]``:
at most 100 CUIs per call and one call per second (both enforced here: more than 100 raises
``AnafLimitReached`` naming ``platitor_tva_batch``; calls are paced one second apart through the
limiter's slot, shared across processes with Redis). ``lookup_many`` splits any list into
batches. The answer's JSON keys are kept in the field comments; attribute names are English.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from genius.integrations.anaf import limits as L
from genius.integrations.anaf.config import AnafEndpoints, Timeouts
from genius.integrations.anaf.errors import AnafLimitReached, AnafProtocolError
from genius.integrations.anaf.guard import CallGuard
from genius.integrations.anaf.http_client import AnafHttpClient
from genius.integrations.anaf.limits import AnafLimiter
from genius.integrations.anaf.transport import json_object, send
from genius.kernel.errors import ProblemCollector

FAMILY = "vat"
# One request per second is ANAF's rule; the margin absorbs network jitter between our clock
# and ANAF's, so paced calls never arrive closer than a second apart.
PACING_SECONDS = L.VAT_INTERVAL_SECONDS + 0.1
MAX_WAIT_SECONDS = 30.0


def _day(value: object) -> date | None:
    """ANAF writes dates as ``YYYY-MM-DD`` (sometimes with a time, or blank when absent)."""
    if not isinstance(value, str) or len(value.strip()) < 10:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@dataclass(frozen=True)
class GeneralData:
    """``date_generale``."""

    cui: int  # cui
    queried_on: date | None  # data
    name: str  # denumire
    address: str  # adresa
    trade_register_no: str  # nrRegCom
    phone: str  # telefon
    fax: str  # fax
    postal_code: str  # codPostal
    act: str  # act
    registration_status: str  # stare_inregistrare
    registration_date: date | None  # data_inregistrare
    caen_code: str  # cod_CAEN
    iban: str  # iban
    e_factura_registered: bool  # statusRO_e_Factura: in the RO e-Factura registry
    tax_office: str  # organFiscalCompetent
    ownership_form: str  # forma_de_proprietate
    organization_form: str  # forma_organizare
    legal_form: str  # forma_juridica


@dataclass(frozen=True)
class VatPeriod:
    """One item of ``perioade_TVA``."""

    start: date | None  # data_inceput_ScpTVA
    end: date | None  # data_sfarsit_ScpTVA
    cancelled_on: date | None  # data_anul_imp_ScpTVA
    message: str  # mesaj_ScpTVA


@dataclass(frozen=True)
class VatRegistration:
    """``inregistrare_scop_Tva``: registered for VAT purposes (art. 316 Cod fiscal) on the date."""

    registered: bool  # scpTVA
    periods: tuple[VatPeriod, ...]  # perioade_TVA


@dataclass(frozen=True)
class VatOnCollection:
    """``inregistrare_RTVAI``: the VAT-on-collection system (TVA la încasare)."""

    active: bool  # statusTvaIncasare
    start: date | None  # dataInceputTvaInc
    end: date | None  # dataSfarsitTvaInc
    updated_on: date | None  # dataActualizareTvaInc
    published_on: date | None  # dataPublicareTvaInc
    act_type: str  # tipActTvaInc


@dataclass(frozen=True)
class InactiveStatus:
    """``stare_inactiv``: declared inactive by ANAF (its invoices give no VAT deduction)."""

    inactive: bool  # statusInactivi
    inactivated_on: date | None  # dataInactivare
    reactivated_on: date | None  # dataReactivare
    published_on: date | None  # dataPublicare
    deregistered_on: date | None  # dataRadiere


@dataclass(frozen=True)
class SplitVat:
    """``inregistrare_SplitTVA``: split VAT payment."""

    active: bool  # statusSplitTVA
    start: date | None  # dataInceputSplitTVA
    cancelled_on: date | None  # dataAnulareSplitTVA


@dataclass(frozen=True)
class RegistryAddress:
    """``adresa_sediu_social`` (keys prefixed ``s``) or ``adresa_domiciliu_fiscal`` (prefix ``d``)."""

    street: str  # denumire_Strada
    number: str  # numar_Strada
    locality: str  # denumire_Localitate
    locality_code: str  # cod_Localitate
    county: str  # denumire_Judet
    county_code: str  # cod_Judet
    county_auto_code: str  # cod_JudetAuto (B, CJ...: "RO-" + it is the ISO 3166-2 code)
    country: str  # tara
    details: str  # detalii_Adresa
    postal_code: str  # cod_Postal

    @classmethod
    def read(cls, data: object, prefix: str) -> RegistryAddress | None:
        if not isinstance(data, dict) or not data:
            return None
        t = lambda key: _text(data, prefix + key)  # noqa: E731
        return cls(
            t("denumire_Strada"),
            t("numar_Strada"),
            t("denumire_Localitate"),
            t("cod_Localitate"),
            t("denumire_Judet"),
            t("cod_Judet"),
            t("cod_JudetAuto"),
            t("tara"),
            t("detalii_Adresa"),
            t("cod_Postal"),
        )


@dataclass(frozen=True)
class VatPayerRecord:
    """One ``found[]`` item."""

    general: GeneralData
    vat: VatRegistration
    vat_on_collection: VatOnCollection
    inactive: InactiveStatus
    split_vat: SplitVat
    registered_office: RegistryAddress | None
    fiscal_domicile: RegistryAddress | None

    @property
    def cui(self) -> int:
        return self.general.cui

    @property
    def is_vat_payer(self) -> bool:
        return self.vat.registered

    @property
    def is_inactive(self) -> bool:
        return self.inactive.inactive


@dataclass(frozen=True)
class VatLookupResult:
    found: tuple[VatPayerRecord, ...]
    not_found: tuple[int, ...]

    def get(self, cui: int | str) -> VatPayerRecord | None:
        wanted = int(str(cui).upper().removeprefix("RO"))
        return next((record for record in self.found if record.cui == wanted), None)


def read_record(item: dict[str, Any]) -> VatPayerRecord:
    g = item.get("date_generale") or {}
    v = item.get("inregistrare_scop_Tva") or {}
    r = item.get("inregistrare_RTVAI") or {}
    i = item.get("stare_inactiv") or {}
    s = item.get("inregistrare_SplitTVA") or {}
    try:
        cui = int(g.get("cui"))
    except (TypeError, ValueError) as exc:
        raise AnafProtocolError(
            f"VAT registry: found item without a numeric cui: {item!r:.200}", family=FAMILY
        ) from exc
    general = GeneralData(
        cui=cui,
        queried_on=_day(g.get("data")),
        name=_text(g, "denumire"),
        address=_text(g, "adresa"),
        trade_register_no=_text(g, "nrRegCom"),
        phone=_text(g, "telefon"),
        fax=_text(g, "fax"),
        postal_code=_text(g, "codPostal"),
        act=_text(g, "act"),
        registration_status=_text(g, "stare_inregistrare"),
        registration_date=_day(g.get("data_inregistrare")),
        caen_code=_text(g, "cod_CAEN"),
        iban=_text(g, "iban"),
        e_factura_registered=_flag(g, "statusRO_e_Factura"),
        tax_office=_text(g, "organFiscalCompetent"),
        ownership_form=_text(g, "forma_de_proprietate"),
        organization_form=_text(g, "forma_organizare"),
        legal_form=_text(g, "forma_juridica"),
    )
    periods = tuple(
        VatPeriod(
            _day(p.get("data_inceput_ScpTVA")),
            _day(p.get("data_sfarsit_ScpTVA")),
            _day(p.get("data_anul_imp_ScpTVA")),
            _text(p, "mesaj_ScpTVA"),
        )
        for p in v.get("perioade_TVA") or []
        if isinstance(p, dict)
    )
    return VatPayerRecord(
        general=general,
        vat=VatRegistration(_flag(v, "scpTVA"), periods),
        vat_on_collection=VatOnCollection(
            _flag(r, "statusTvaIncasare"),
            _day(r.get("dataInceputTvaInc")),
            _day(r.get("dataSfarsitTvaInc")),
            _day(r.get("dataActualizareTvaInc")),
            _day(r.get("dataPublicareTvaInc")),
            _text(r, "tipActTvaInc"),
        ),
        inactive=InactiveStatus(
            _flag(i, "statusInactivi"),
            _day(i.get("dataInactivare")),
            _day(i.get("dataReactivare")),
            _day(i.get("dataPublicare")),
            _day(i.get("dataRadiere")),
        ),
        split_vat=SplitVat(
            _flag(s, "statusSplitTVA"), _day(s.get("dataInceputSplitTVA")), _day(s.get("dataAnulareSplitTVA"))
        ),
        registered_office=RegistryAddress.read(item.get("adresa_sediu_social"), "s"),
        fiscal_domicile=RegistryAddress.read(item.get("adresa_domiciliu_fiscal"), "d"),
    )


def _cui_number(value: int | str, index: int, problems: ProblemCollector) -> int | None:
    text = str(value).strip().upper().removeprefix("RO").strip()
    if not text.isdigit() or not 1 <= len(text) <= 10:
        problems.add(f"cuis[{index}]", f"{value!r} is not a CUI (up to 10 digits, optional RO)")
        return None
    return int(text)


class VatRegistryClient(AnafHttpClient):
    """Asks ANAF's public registry about up to 100 CUIs per call, one call per second."""

    def __init__(
        self,
        endpoints: AnafEndpoints,
        *,
        limiter: AnafLimiter,
        guard: CallGuard | None = None,
        http: httpx.Client | None = None,
        timeouts: Timeouts | None = None,
        pacing_seconds: float = PACING_SECONDS,
        max_wait_seconds: float = MAX_WAIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(endpoints, guard=guard, http=http, timeouts=timeouts)
        self._limiter = limiter
        self._pacing = pacing_seconds
        self._max_wait = max_wait_seconds
        self._sleep = sleep

    def lookup(self, cuis: Sequence[int | str], on: date) -> VatLookupResult:
        """One registry call for at most 100 CUIs, as of the day ``on``."""
        problems = ProblemCollector()
        numbers = [_cui_number(value, index, problems) for index, value in enumerate(cuis)]
        if not cuis:
            problems.add("cuis", "give at least one CUI")
        problems.raise_if_any("VAT registry lookup")
        if len(cuis) > L.VAT_BATCH_SIZE:
            raise AnafLimitReached(
                f"VAT registry: {len(cuis)} CUIs in one call; ANAF takes at most {L.VAT_BATCH_SIZE} "
                "(use lookup_many to split)",
                limit=L.VAT_BATCH.name,
                local=True,
                family=FAMILY,
            )
        body = [{"cui": number, "data": on.isoformat()} for number in numbers]

        def attempt() -> VatLookupResult:
            self._wait_for_slot()
            response = send(
                self._http,
                "POST",
                self.endpoints.vat_registry_url,
                family=FAMILY,
                timeout=self._timeout,
                rate_limit=L.VAT_RATE.name,
                json=body,
            )
            return self._read(response)

        return self._guard.call(FAMILY, attempt, idempotent=True)

    def lookup_many(self, cuis: Iterable[int | str], on: date) -> VatLookupResult:
        """Any number of CUIs: batches of 100, paced one second apart."""
        values = list(cuis)
        found: list[VatPayerRecord] = []
        not_found: list[int] = []
        for start in range(0, len(values), L.VAT_BATCH_SIZE):
            result = self.lookup(values[start : start + L.VAT_BATCH_SIZE], on)
            found.extend(result.found)
            not_found.extend(result.not_found)
        return VatLookupResult(tuple(found), tuple(not_found))

    def _wait_for_slot(self) -> None:
        wait = self._limiter.reserve_slot(L.VAT_RATE.name, self._pacing)
        if wait > self._max_wait:
            raise AnafLimitReached(
                f"VAT registry: the next free slot is {wait:.1f} s away (one call per second)",
                limit=L.VAT_RATE.name,
                local=True,
                family=FAMILY,
                retry_after_seconds=wait,
            )
        if wait > 0:
            self._sleep(wait)

    def _read(self, response: httpx.Response) -> VatLookupResult:
        data = json_object(response, what="VAT registry: answer", family=FAMILY)
        if "found" not in data:
            raise AnafProtocolError(f"VAT registry: unexpected answer {str(data)[:200]}", family=FAMILY)
        found = tuple(read_record(item) for item in data.get("found") or [] if isinstance(item, dict))
        not_found: list[int] = []
        for value in data.get("notFound") or []:
            try:
                not_found.append(int(value.get("cui") if isinstance(value, dict) else value))
            except (TypeError, ValueError):
                continue
        return VatLookupResult(found, tuple(not_found))


__all__ = [
    "GeneralData",
    "InactiveStatus",
    "RegistryAddress",
    "SplitVat",
    "VatLookupResult",
    "VatOnCollection",
    "VatPayerRecord",
    "VatPeriod",
    "VatRegistration",
    "VatRegistryClient",
    "read_record",
]

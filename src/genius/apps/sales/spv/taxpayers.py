"""Partner lookup in ANAF's VAT payer registry (PlatitorTvaRest v9), cached per tenant with a TTL.

``TaxpayerLookup.lookup(cuis, on)`` answers each CUI from the cache while its answer is younger
than ``ttl`` (``anaf_taxpayer_cache_hours``), else asks ANAF through ``VatRegistryClient``
(batches of at most 100 CUIs, one call per second, breaker ``anaf.vat``). When ANAF cannot be
reached (5xx, timeouts, the breaker open) the cached answers are served marked ``stale`` with
when they were fetched; a CUI never seen before is reported ``unavailable``. Each answer
carries the fields a new partner needs (``partner``: kind, name, cui with RO for VAT payers,
trade register, address) and the flags a sale checks: VAT payer, VAT on collection (art. 282
Cod fiscal), inactive (no VAT deduction on its invoices), split VAT, e-Factura registration.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.apps.sales.spv import tables as st
from genius.apps.sales.spv.records import aware
from genius.integrations.anaf import AnafUnavailable, VatPayerRecord, VatRegistryClient
from genius.integrations.anaf.vat import RegistryAddress
from genius.kernel.clock import utcnow
from genius.kernel.errors import ProblemCollector
from genius.platform.db.engine import SQLITE_IMMEDIATE


@dataclass(frozen=True)
class TaxpayerAnswer:
    cui: str
    found: bool | None  # None: ANAF unreachable and nothing cached
    stale: bool
    fetched_at: datetime | None
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "cui": self.cui,
            "found": self.found,
            "stale": self.stale,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            **self.data,
        }


def normalise_cuis(values: Sequence[str]) -> list[str]:
    """Digits of each CUI (``RO`` allowed), in order, without repeats; errors name ``cuis[i]``."""
    problems = ProblemCollector()
    out: list[str] = []
    if not values:
        problems.add("cuis", "give at least one CUI", "required")
    for i, value in enumerate(values):
        text = str(value).strip().upper().removeprefix("RO").strip()
        if not text.isdigit() or not 2 <= len(text) <= 10:
            problems.add(f"cuis[{i}]", f"{value!r} is not a CUI (2 to 10 digits, optional RO)", "invalid_cui")
        elif text not in out:
            out.append(text)
    problems.raise_if_any("invalid CUI list")
    return out


def _street(address: RegistryAddress) -> str:
    street = address.street or address.details or address.locality
    return f"{street} nr. {address.number}" if address.number else street


def partner_fields(record: VatPayerRecord) -> dict[str, Any]:
    """The answer in the shape of ``POST /api/v1/sales/partners`` plus the registry's flags."""
    g = record.general
    office = record.registered_office or record.fiscal_domicile
    address: dict[str, Any] | None = None
    if office is not None:
        address = {
            "street": _street(office)[:150],
            "city": office.locality[:50],
            "postal_code": office.postal_code or g.postal_code or None,
            "county": f"RO-{office.county_auto_code}" if office.county_auto_code else None,
            "country_code": "RO",
        }
    cui = str(g.cui)
    partner = {
        "kind": "company",
        "name": g.name,
        "cui": f"RO{cui}" if record.is_vat_payer else cui,
        "vat_payer": record.is_vat_payer,
        "trade_register": g.trade_register_no or None,
        "address": address,
        "phone": g.phone or None,
    }
    return {
        "name": g.name,
        "partner": partner,
        "vat_payer": record.is_vat_payer,
        "vat_on_collection": record.vat_on_collection.active,
        "inactive": record.is_inactive,
        "inactive_since": record.inactive.inactivated_on.isoformat()
        if record.inactive.inactivated_on
        else None,
        "split_vat": record.split_vat.active,
        "efactura_registered": g.e_factura_registered,
        "registration_status": g.registration_status,
        "caen_code": g.caen_code or None,
        "address_text": g.address,
    }


@dataclass
class TaxpayerLookup:
    engine: Engine  # the tenant's database
    vat: VatRegistryClient
    ttl: timedelta
    clock: Callable[[], datetime] = utcnow

    def cached(self, cuis: Sequence[str]) -> dict[str, TaxpayerAnswer]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(st.taxpayers).where(st.taxpayers.c.cui.in_(list(cuis)))).all()
        return {
            r.cui: TaxpayerAnswer(r.cui, r.found, False, aware(r.fetched_at), json.loads(r.record_json))
            for r in rows
        }

    def fresh_only(self, cuis: Sequence[str]) -> list[TaxpayerAnswer] | None:
        """Every answer from the cache when all are fresh, else None (then a job asks ANAF)."""
        cached = self.cached(cuis)
        now = self.clock()
        answers = [cached.get(c) for c in cuis]
        if any(a is None or a.fetched_at is None or now - a.fetched_at > self.ttl for a in answers):
            return None
        return [a for a in answers if a is not None]

    def lookup(
        self, cuis: Sequence[str], on: date | None = None, *, refresh: bool = False
    ) -> list[TaxpayerAnswer]:
        wanted = normalise_cuis(cuis)
        now = self.clock()
        day = on or now.date()
        cached = self.cached(wanted)
        due = [
            c
            for c in wanted
            if refresh
            or c not in cached
            or cached[c].fetched_at is None
            or now - cached[c].fetched_at > self.ttl
        ]
        fetched: dict[str, TaxpayerAnswer] = {}
        unreachable = False
        if due:
            try:
                result = self.vat.lookup_many(due, day)
            except AnafUnavailable:  # 5xx, timeouts, the breaker open (AnafCircuitOpen is one)
                unreachable = True
            else:
                for record in result.found:
                    fetched[str(record.cui)] = TaxpayerAnswer(
                        str(record.cui), True, False, now, partner_fields(record)
                    )
                for number in result.not_found:
                    fetched[str(number)] = TaxpayerAnswer(str(number), False, False, now, {})
                self._store(list(fetched.values()), day)
        answers = []
        for cui in wanted:
            if cui in fetched:
                answers.append(fetched[cui])
            elif cui in cached:
                old = cached[cui]
                answers.append(
                    TaxpayerAnswer(cui, old.found, cui in due and unreachable, old.fetched_at, old.data)
                )
            else:  # not cached and ANAF unreachable (or silently absent from its answer)
                answers.append(TaxpayerAnswer(cui, None, unreachable, None, {}))
        return answers

    def _store(self, answers: list[TaxpayerAnswer], day: date) -> None:
        if not answers:
            return
        with self.engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
            conn.execute(st.taxpayers.delete().where(st.taxpayers.c.cui.in_([a.cui for a in answers])))
            conn.execute(
                st.taxpayers.insert(),
                [
                    {
                        "cui": a.cui,
                        "found": bool(a.found),
                        "for_date": day,
                        "fetched_at": a.fetched_at,
                        "record_json": json.dumps(a.data, ensure_ascii=False),
                    }
                    for a in answers
                ],
            )


__all__ = ["TaxpayerAnswer", "TaxpayerLookup", "normalise_cuis", "partner_fields"]

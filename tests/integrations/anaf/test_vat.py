"""The VAT payer registry client against the double: typed answers, the 100-CUI batch and 1 request/s."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from genius.integrations.anaf import (
    AnafLimitReached,
    InMemoryAnafLimiter,
    NoLocalLimits,
    ResilientGuard,
    VatRegistryClient,
)
from genius.kernel.errors import ValidationError
from genius.platform.resilience import MemoryBreakerStore
from tests.integrations.anaf.conftest import FAST, Sandbox

DAY = date(2025, 1, 10)


def registry(sandbox: Sandbox, **options: object) -> VatRegistryClient:
    return VatRegistryClient(
        sandbox.endpoints,
        limiter=options.pop("limiter", InMemoryAnafLimiter()),  # type: ignore[arg-type]
        guard=ResilientGuard(FAST, store=MemoryBreakerStore()),
        **options,  # type: ignore[arg-type]
    )


def test_lookup_reads_every_section(sandbox: Sandbox) -> None:
    result = registry(sandbox).lookup(["RO12345674", 30000002, "50000007", 60000004, 10000008, 12], DAY)
    assert result.not_found == (12,)
    seller = result.get("RO12345674")
    assert seller is not None
    assert (
        seller.general.name == "GENIUS DEMO SRL (TEST)"
        and seller.general.trade_register_no == "J12/3456/2020"
    )
    assert seller.general.queried_on == DAY and seller.general.e_factura_registered
    assert seller.is_vat_payer and not seller.is_inactive
    assert seller.vat.periods[0].start == date(2020, 6, 1) and seller.vat.periods[0].end is None
    assert seller.registered_office is not None and seller.registered_office.county_auto_code == "CJ"
    assert seller.fiscal_domicile is not None and seller.fiscal_domicile.locality == "Cluj-Napoca"

    inactive = result.get(30000002)
    assert inactive is not None and inactive.is_inactive and not inactive.is_vat_payer
    assert inactive.inactive.inactivated_on == date(2024, 3, 15) and inactive.inactive.reactivated_on is None

    on_collection = result.get(50000007)
    assert on_collection is not None and on_collection.vat_on_collection.active
    assert on_collection.vat_on_collection.start == date(2019, 1, 1)

    split = result.get(60000004)
    assert (
        split is not None and not split.split_vat.active and split.split_vat.cancelled_on == date(2019, 1, 31)
    )

    not_payer = result.get(10000008)
    assert not_payer is not None and not not_payer.is_vat_payer and not not_payer.general.e_factura_registered


def test_answers_depend_on_the_date(sandbox: Sandbox) -> None:
    client = registry(sandbox, pacing_seconds=1.1)
    before = client.lookup([30000002, 60000004, 40000000], date(2018, 6, 1))
    assert not before.get(30000002).is_inactive and before.get(30000002).is_vat_payer  # type: ignore[union-attr]
    assert before.get(60000004).split_vat.active  # type: ignore[union-attr]
    during = client.lookup([40000000], date(2023, 5, 1)).get(40000000)
    assert during is not None and during.is_inactive
    after = client.lookup([40000000], date(2024, 1, 1)).get(40000000)
    assert after is not None and not after.is_inactive and after.inactive.reactivated_on == date(2023, 9, 30)


def test_more_than_100_cuis_are_refused_locally(sandbox: Sandbox) -> None:
    with pytest.raises(AnafLimitReached) as refused:
        registry(sandbox).lookup(list(range(10000008, 10000008 + 101)), DAY)
    assert refused.value.local and refused.value.limit == "platitor_tva_batch"
    assert sandbox.double.calls["tva"] == 0
    # ... and by the double, for a client that would not check.
    answer = httpx.post(
        sandbox.endpoints.vat_registry_url, json=[{"cui": n, "data": "2025-01-10"} for n in range(101)]
    )
    assert answer.status_code == 400 and "100" in answer.json()["message"]


def test_lookup_many_splits_into_batches_of_100(sandbox: Sandbox) -> None:
    cuis = [12345674, 30000002, *list(range(1000, 1248))]
    result = registry(sandbox).lookup_many(cuis, DAY)
    assert sandbox.double.calls["tva"] == 3
    assert {r.cui for r in result.found} == {12345674, 30000002}
    assert len(result.not_found) == 248


def test_one_request_per_second_is_paced_by_the_client(sandbox: Sandbox) -> None:
    client = registry(sandbox)
    started = time.monotonic()
    client.lookup([12345674], DAY)
    client.lookup([23456783], DAY)
    client.lookup([11223342], DAY)
    assert time.monotonic() - started >= 2.0  # three calls, at least a second apart
    assert sandbox.double.calls["tva"] == 3


def test_one_request_per_second_is_enforced_by_the_double(sandbox: Sandbox) -> None:
    body = [{"cui": 12345674, "data": "2025-01-10"}]
    assert httpx.post(sandbox.endpoints.vat_registry_url, json=body).status_code == 200
    assert httpx.post(sandbox.endpoints.vat_registry_url, json=body).status_code == 429
    client = registry(sandbox, limiter=NoLocalLimits())
    with pytest.raises(AnafLimitReached) as refused:
        client.lookup([12345674], DAY)
    assert refused.value.limit == "platitor_tva_rate" and not refused.value.local


def test_a_wait_longer_than_allowed_is_refused(sandbox: Sandbox) -> None:
    limiter = InMemoryAnafLimiter()
    client = registry(sandbox, limiter=limiter, max_wait_seconds=0.5)
    client.lookup([12345674], DAY)
    with pytest.raises(AnafLimitReached) as refused:
        client.lookup([12345674], DAY)
    assert refused.value.local and refused.value.limit == "platitor_tva_rate"


def test_bad_cuis_are_named(sandbox: Sandbox) -> None:
    with pytest.raises(ValidationError) as bad:
        registry(sandbox).lookup(["12345674", "12AB", "RO"], DAY)
    assert [p.field for p in bad.value.problems] == ["cuis[1]", "cuis[2]"]
    with pytest.raises(ValidationError, match="cuis"):
        registry(sandbox).lookup([], DAY)
    assert sandbox.double.calls["tva"] == 0


def test_double_rejects_malformed_bodies(sandbox: Sandbox) -> None:
    answer = httpx.post(sandbox.endpoints.vat_registry_url, content=b"not json")
    assert answer.status_code == 400

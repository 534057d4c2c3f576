"""Partner lookup (worker anaf.taxpayer) against the double's registry: cache, TTL, ANAF down -> stale."""

from __future__ import annotations

import time

from genius.apps.sales.spv.messages import TaxpayerLookupRequested, TaxpayersLookedUp
from genius.integrations.anaf.double import FaultKind
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.workers import anaf_taxpayer
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import Anaf


def lookup(world: World, *cuis: str, refresh: bool = False) -> TaxpayersLookedUp:
    job = JobContext(job_id=new_id(), tag=anaf_taxpayer.TAG, tenant=world.ctx)
    return anaf_taxpayer.handle(
        TaxpayerLookupRequested(cuis=list(cuis), refresh=refresh), job, world.platform
    )


def test_fresh_answers_come_from_the_cache_until_the_ttl(seller: World, anaf: Anaf) -> None:
    first = lookup(seller, "RO12345674", "23456783")
    assert [r["found"] for r in first.results] == [True, True] and anaf.double.calls["tva"] == 1
    assert first.results[0]["partner"]["trade_register"] == "J12/3456/2020"
    again = lookup(seller, "12345674")
    assert again.results[0]["fetched_at"] == first.results[0]["fetched_at"] and anaf.double.calls["tva"] == 1
    seller.platform.settings.anaf_taxpayer_cache_hours = 0.0  # every answer is now too old
    lookup(seller, "12345674")
    assert anaf.double.calls["tva"] == 2


def test_anaf_down_serves_the_cache_marked_stale_and_the_breaker_stops_calling(
    seller: World, anaf: Anaf
) -> None:
    fresh = lookup(seller, "50000007")
    assert not fresh.stale and fresh.results[0]["vat_on_collection"]
    anaf.double.add_fault(FaultKind.STATUS, "tva", status=503, times=-1)
    stale_answers = []
    calls = []
    for _ in range(4):
        answer = lookup(seller, "50000007", refresh=True)
        stale_answers.append(answer)
        calls.append(anaf.double.calls["tva"])
    for answer in stale_answers:
        [result] = answer.results
        assert answer.stale and result["stale"] and result["found"] is True
        assert result["fetched_at"] == fresh.results[0]["fetched_at"] and result["vat_on_collection"]
    assert calls[-1] == calls[-2], calls  # the breaker opened: the last lookups reached nobody
    unknown = lookup(seller, "30000002")
    assert unknown.stale and unknown.results[0]["found"] is None  # never cached, ANAF unreachable
    started = time.monotonic()
    lookup(seller, "50000007", refresh=True)
    assert time.monotonic() - started < 1.0  # refused at once by the open breaker

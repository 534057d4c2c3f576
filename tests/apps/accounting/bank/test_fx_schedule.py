"""The scheduled month-end FX revaluation: the first days of a month revalue the month before, once;
a closed or locked month is skipped with the reason; a missing BNR rate fails naming currency and date."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.fx import NoFxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.periods import change_period
from genius.apps.accounting.handlers.revaluation_schedule import SCHEDULE_NAME, run_scheduled
from genius.apps.accounting.messages import FxRevaluationRequested
from genius.platform.jobs.context import JobContext
from genius.workers import fx_revaluation
from genius.workers.schedules import run_due
from tests.apps.accounting.bank.conftest import Books
from tests.apps.accounting.bank.test_fx_postings import receivable, set_rate
from tests.apps.accounting.bank.test_revaluation import MONTH_END

JANUARY = Period(2026, 1)


def scheduled(books: Books, today: date, period: Period | None = None):  # type: ignore[no-untyped-def]
    with books.uow() as uow:
        return run_scheduled(uow, today, period)


def revaluations(books: Books) -> list[object]:
    return [e for e in books.rows("acc_entries") if e.source_type == "fx_revaluation"]


def test_the_first_days_of_february_revalue_january_once(books: Books) -> None:
    receivable(books)  # 2380.00 EUR at 4.97 on 4111
    set_rate(books, "5.0000", on=MONTH_END)
    first = scheduled(books, date(2026, 2, 1))
    assert (first.period, first.outcome) == (JANUARY, "posted") and first.entry_id is not None
    again = scheduled(books, date(2026, 2, 2))  # the next day's run
    assert (again.period, again.outcome, again.entry_id) == (JANUARY, "unchanged", None)
    assert "revalued already" in again.message
    assert len(revaluations(books)) == 1
    late = scheduled(books, date(2026, 2, 6))  # past the first days: nothing is due
    assert (late.period, late.outcome) == (None, "not_due")


def test_a_closed_or_locked_month_is_skipped_with_the_reason(
    books: Books, caplog: pytest.LogCaptureFixture
) -> None:
    receivable(books)
    set_rate(books, "5.0000", on=MONTH_END)
    with books.uow() as uow:
        change_period(uow, ChangePeriod(JANUARY, "lock"))
    with caplog.at_level(logging.WARNING, logger="genius.accounting.fx_revaluation"):
        skipped = scheduled(books, date(2026, 2, 1))
    assert (skipped.period, skipped.outcome) == (JANUARY, "skipped")
    assert "2026-01 skipped: the month is locked" in skipped.message
    assert any("2026-01 skipped: the month is locked" in r.getMessage() for r in caplog.records)
    assert revaluations(books) == []


def test_a_tenant_without_currency_items_has_nothing_to_revalue(books: Books) -> None:
    done = scheduled(books, date(2026, 2, 1))
    assert (done.period, done.outcome) == (JANUARY, "no_items") and revaluations(books) == []


def test_a_missing_bnr_rate_fails_naming_the_currency_and_the_date(books: Books) -> None:
    receivable(books)
    set_rate(books, "5.0000", on=date(2026, 1, 20))  # the feed stopped on the 20th
    job = JobContext("job-fx-1", fx_revaluation.TAG, books.ctx)
    with pytest.raises(NoFxRate) as failed:
        fx_revaluation.handle(FxRevaluationRequested(period="2026-01"), job, books.platform)
    assert "EUR" in failed.value.message and "2026-01-31" in failed.value.message
    assert revaluations(books) == []
    set_rate(books, "5.0000", on=MONTH_END)  # the rate arrives: the next run posts
    done = fx_revaluation.handle(FxRevaluationRequested(period="2026-01"), job, books.platform)
    assert (done.period, done.outcome, done.job_id) == ("2026-01", "posted", "job-fx-1")
    assert done.entry_id == revaluations(books)[0].id  # type: ignore[attr-defined]


def test_the_schedule_starts_one_job_a_day_on_the_first_days_only(books: Books) -> None:
    tags = {fx_revaluation.TAG}
    platform = books.platform
    first = run_due(platform, tags, datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    assert [(slug, name) for slug, name, _ in first] == [(books.tenant.slug, SCHEDULE_NAME)]
    assert run_due(platform, tags, datetime(2026, 2, 1, 18, 0, tzinfo=UTC)) == []  # claimed today
    assert len(run_due(platform, tags, datetime(2026, 2, 2, 6, 5, tzinfo=UTC))) == 1
    assert run_due(platform, tags, datetime(2026, 2, 12, 6, 0, tzinfo=UTC)) == []  # not the first days
    assert len(run_due(platform, tags, datetime(2026, 3, 1, 6, 0, tzinfo=UTC))) == 1  # next month
    (job,) = [j for j in books.rows("jobs") if j.id == first[0][2]]
    assert job.tag == fx_revaluation.TAG

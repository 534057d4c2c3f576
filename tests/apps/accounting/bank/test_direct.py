"""Posting a bank line straight to a counter-account (salaries, taxes, interest, own transfers)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank.handlers.direct import post_to_account
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.reconcile import StaleMatch
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.fx import FxRate, NoFxRate
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.fx_rates import store_rates
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound, ValidationError
from tests.apps.accounting.bank.conftest import Api, Books, new_slug, sample

BANK = "/api/v1/accounting/bank"


def imported(books: Books, data: bytes | None = None) -> dict[str, str]:
    """The BCR sample's lines by amount: 2380.00 in (Alfa), -4.00 fee, -1190.00 out (Beta)."""
    with books.uow() as uow:
        import_statement_file(uow, data or sample("bcr.sta"))
    return {r.amount: r.id for r in books.rows("bank_lines")}


def entry_lines(books: Books, line_id: str) -> list[tuple[str, D, D, D | None, str | None]]:
    (entry,) = [e for e in books.rows("acc_entries") if e.source_id == line_id and e.source_role == "post"]
    with books.uow(write=False) as uow:
        found = acc_repo.get_entry(uow.connection, entry.id)
    return sorted((x.account, x.debit, x.credit, x.currency_amount, x.partner_id) for x in found.lines)


def status(books: Books, line_id: str) -> str:
    (row,) = books.rows("bank_lines", id=line_id)
    return str(row.status)


def test_a_payment_posts_account_equals_bank_and_a_receipt_bank_equals_account(books: Books) -> None:
    lines = imported(books)
    with books.uow() as uow:
        done = post_to_account(uow, lines["-1190.00"], account="421", by="u1", trail=books.platform.audit)
    assert (done.account, done.treasury, done.amount, done.amount_lei) == (
        "421",
        "5121",
        D("1190.00"),
        D("1190.00"),
    )
    assert entry_lines(books, lines["-1190.00"]) == [
        ("421", D("1190.00"), D(0), None, None),
        ("5121", D(0), D("1190.00"), None, None),
    ]
    with books.uow() as uow:
        post_to_account(uow, lines["2380.00"], account="766", description="Dobanda la vedere")
    assert entry_lines(books, lines["2380.00"]) == [
        ("5121", D("2380.00"), D(0), None, None),
        ("766", D(0), D("2380.00"), None, None),
    ]
    (row,) = books.rows("bank_lines", id=lines["-1190.00"])
    assert (row.status, row.applied_amount) == ("posted", "1190.00") and "421" in row.note
    (entry,) = [e for e in books.rows("acc_entries") if e.source_id == lines["2380.00"]]
    assert entry.description == "Dobanda la vedere" and entry.journal == "BA"
    (record,) = [r for r in books.rows("audit_records") if r.action == "accounting.bank_line.post"]
    assert record.resource_id == lines["-1190.00"]
    assert json.loads(record.after_json)["account"] == "421"


def test_refusals_name_the_field_and_write_nothing(books: Books) -> None:
    lines = imported(books)
    line = lines["-1190.00"]
    cases = [
        ({"account": ""}, "account"),
        ({"account": "9999"}, "account"),
        ({"account": "512"}, "account"),  # grade I with grade II accounts
        ({"account": "5121"}, "account"),  # the line's own treasury account
        ({"account": "421", "partner_id": "nobody"}, "partner_id"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error, books.uow() as uow:
            post_to_account(uow, line, **kwargs)  # type: ignore[arg-type]
        assert error.value.problems[0].field == field, kwargs
    with pytest.raises(NotFound), books.uow() as uow:
        post_to_account(uow, "no-such-line", account="421")
    assert status(books, line) == "new"
    assert [e for e in books.rows("acc_entries") if e.source_role == "post"] == []


def test_a_closed_month_is_refused_naming_the_booking_date(books: Books) -> None:
    lines = imported(books)
    with books.uow() as uow:
        change_period(uow, ChangePeriod(period=Period(2026, 1), action="close"))
    with pytest.raises(PeriodClosed) as error, books.uow() as uow:
        post_to_account(uow, lines["-1190.00"], account="421")
    assert error.value.details["field"] == "booking_date" and "2026-01" in error.value.message
    assert status(books, lines["-1190.00"]) == "new"
    assert books.rows("acc_entries") == []


def test_a_line_already_reconciled_or_posted_is_a_conflict(books: Books) -> None:
    lines = imported(books)
    with books.uow() as uow:
        post_to_account(uow, lines["-1190.00"], account="4423")
    with pytest.raises(StaleMatch), books.uow() as uow:
        post_to_account(uow, lines["-1190.00"], account="421")
    assert len([e for e in books.rows("acc_entries") if e.source_role == "post"]) == 1
    assert entry_lines(books, lines["-1190.00"])[0][0] == "4423"


def test_a_currency_line_at_the_bnr_rate_of_its_day_both_sides_in_eur(books: Books) -> None:
    lines = imported(books, sample("bcr.sta").decode().replace("RON", "EUR").encode())
    with pytest.raises(NoFxRate) as error, books.uow() as uow:
        post_to_account(uow, lines["-1190.00"], account="581")
    assert error.value.problems[0].field == "booking_date"
    assert status(books, lines["-1190.00"]) == "new"
    with books.uow() as uow:
        store_rates(uow.connection, [FxRate("EUR", date(2026, 1, 15), D("4.9800"))], "test", utcnow())
    with books.uow() as uow:
        done = post_to_account(uow, lines["-1190.00"], account="581")
    assert (done.treasury, done.exchange_rate, done.amount_lei) == ("5124", D("4.9800"), D("5926.20"))
    assert entry_lines(books, lines["-1190.00"]) == [
        ("5124", D(0), D("5926.20"), D("1190.00"), None),
        ("581", D("5926.20"), D(0), D("1190.00"), None),
    ]


def test_a_partner_goes_on_the_counter_account_line(books: Books) -> None:
    lines = imported(books)
    beta = books.partner("Beta Logistic SA", "1590082")
    with books.uow() as uow:
        post_to_account(uow, lines["-1190.00"], account="462", partner_id=beta)
    assert entry_lines(books, lines["-1190.00"]) == [
        ("462", D("1190.00"), D(0), None, beta),
        ("5121", D(0), D("1190.00"), None, None),
    ]


def test_posting_over_http_permissions_errors_and_result(api: Api) -> None:
    tenant = api.platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    books = Books(api.platform, tenant)
    lines = imported(books)
    accountant = api.login(tenant, "accountant")
    viewer = api.login(tenant, "viewer")
    url = f"{BANK}/lines/{lines['-1190.00']}/post"
    assert api.client.post(url, json={"account": "421"}, headers=viewer.headers).status_code == 403
    bad = api.client.post(url, json={"account": "9999"}, headers=accountant.headers)
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "account"
    done = api.client.post(url, json={"account": "421"}, headers=accountant.headers)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "posted" and body["posting"]["account"] == "421"
    assert body["posting"]["amount_lei"] == "1190.00" and body["posting"]["entry_id"]
    again = api.client.post(url, json={"account": "421"}, headers=accountant.headers)
    assert again.status_code == 409
    shown = api.client.get(f"{BANK}/lines", params={"status": "posted"}, headers=accountant.headers)
    assert [line["id"] for line in shown.json()["lines"]] == [lines["-1190.00"]]
    (entry,) = [e for e in books.rows("acc_entries") if e.source_role == "post"]
    assert entry.created_by == accountant.user_id

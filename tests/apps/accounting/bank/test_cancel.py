"""Cancelling what a bank line was: red storno, invoices open again, the line reopened and decided again."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank.handlers.cancel import cancel_line
from genius.apps.accounting.bank.handlers.direct import post_to_account
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.bank.handlers.reconcile import StaleMatch, confirm
from genius.apps.accounting.commands import ChangePeriod, ReverseEntry
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.periods import change_period
from genius.kernel.errors import Conflict, NotFound, ValidationError
from tests.apps.accounting.bank.conftest import Api, Books, new_slug
from tests.apps.accounting.bank.test_reconcile import lines_by_amount, setup_bcr

BANK = "/api/v1/accounting/bank"
ON = date(2026, 1, 20)


def entry_of(books: Books, line_id: str, role: str) -> list[tuple[str, D, D]]:
    (row,) = [e for e in books.rows("acc_entries") if e.source_id == line_id and e.source_role == role]
    with books.uow(write=False) as uow:
        entry = acc_repo.get_entry(uow.connection, row.id)
    return sorted((x.account.split(".")[0], x.debit, x.credit) for x in entry.lines)


def item(books: Books, item_id: str) -> tuple[str, str]:
    (row,) = books.rows("bank_open_items", id=item_id)
    return row.open_amount, row.status


def line(books: Books, line_id: str):  # type: ignore[no-untyped-def]
    (row,) = books.rows("bank_lines", id=line_id)
    return row


def balance(books: Books, account: str) -> D:
    """Debit minus credit of every posted line on ``account`` (and its analytics)."""
    with books.uow(write=False) as uow:
        entries = [acc_repo.get_entry(uow.connection, e.id) for e in books.rows("acc_entries")]
    return sum(
        (x.debit - x.credit for e in entries for x in e.lines if x.account.split(".")[0] == account), D(0)
    )


def test_a_wrong_match_is_reversed_in_storno_and_its_invoice_is_open_again(books: Books) -> None:
    ids = setup_bcr(books)
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    receipt = lines_by_amount(books)["2380.00"]
    assert item(books, ids["gen42"]) == ("0.00", "settled")
    (taught,) = books.rows("bank_partner_ibans", iban=receipt.counterparty_iban)
    assert (taught.partner_id, taught.source) == (ids["alfa"], "reconciliation")
    with books.uow() as uow:
        done = cancel_line(
            uow, receipt.id, on=ON, reason=" plătit de alt client ", by="u1", trail=books.platform.audit
        )
    assert (done.was, done.reason, done.on) == ("reconciled", "plătit de alt client", ON)
    assert done.items == ({"item_id": ids["gen42"], "number": "GEN-000042", "amount": "2380.00",
                           "open_amount": "2380.00"},)  # fmt: skip
    assert entry_of(books, receipt.id, "reverse:settle") == [
        ("4111", D(0), D("-2380.00")),
        ("5121", D("-2380.00"), D(0)),
    ]
    (storno,) = books.rows("acc_entries", id=done.reversal_entry_id)
    assert storno.entry_date == ON and storno.storno and "plătit de alt client" in storno.description
    assert item(books, ids["gen42"]) == ("2380.00", "open")
    after = line(books, receipt.id)
    assert (after.status, after.applied_amount, after.reopened) == ("reopened", "0", 1)
    assert done.reversal_entry_id in after.note and "plătit de alt client" in after.note
    assert books.rows("bank_reconciliations", line_id=receipt.id) == []
    assert books.rows("bank_partner_ibans", iban=receipt.counterparty_iban) == []  # the wrong lesson goes
    assert balance(books, "4111") == 0  # the receipt and its storno (the invoices are not in these books)
    (event,) = [r for r in books.rows("bus_outbox") if r.type == "accounting.bank_line.cancelled"]
    data = json.loads(event.body)["data"]
    assert (data["was"], data["entry_id"], data["reversal_entry_id"]) == (
        "reconciled",
        done.entry_id,
        done.reversal_entry_id,
    )
    (record,) = [r for r in books.rows("audit_records") if r.action == "accounting.bank_line.cancel"]
    assert record.resource_id == receipt.id
    assert json.loads(record.before_json)["status"] == "reconciled"
    assert json.loads(record.after_json)["status"] == "reopened"


def test_a_reopened_line_is_left_to_a_person_and_posts_again_under_a_source_of_its_own(books: Books) -> None:
    ids = setup_bcr(books)
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    receipt = lines_by_amount(books)["2380.00"]
    with books.uow() as uow:
        cancel_line(uow, receipt.id, on=ON, reason="altă factură")
    summary = run_match(books.platform.databases, books.ctx, job_id="job-2")
    assert summary.lines == 0 and line(books, receipt.id).status == "reopened"  # no automatic match again
    with books.uow() as uow:
        confirm(uow, receipt.id, items=[(ids["gen43"], None)], by="u1")
    assert line(books, receipt.id).status == "reconciled"
    assert entry_of(books, receipt.id, "settle#1") == [
        ("4111", D(0), D("2380.00")),
        ("5121", D("2380.00"), D(0)),
    ]
    assert item(books, ids["gen43"]) == ("0.00", "settled") and item(books, ids["gen42"]) == (
        "2380.00",
        "open",
    )
    assert balance(books, "4111") == D("-2380.00")  # the receipt again, once
    with books.uow() as uow:
        again = cancel_line(uow, receipt.id, on=ON, reason="încă o greșeală")
    assert again.entry_id == next(e.id for e in books.rows("acc_entries") if e.source_role == "settle#1")
    assert line(books, receipt.id).reopened == 2 and item(books, ids["gen43"]) == ("2380.00", "open")


def test_a_fee_and_a_posted_line_cancel_too(books: Books) -> None:
    setup_bcr(books)
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    fee = lines_by_amount(books)["-4.00"]
    with books.uow() as uow:
        done = cancel_line(uow, fee.id, on=ON, reason="nu era comision")
    assert done.was == "fee" and done.items == ()
    assert entry_of(books, fee.id, "reverse:fee") == [("5121", D(0), D("-4.00")), ("627", D("-4.00"), D(0))]
    with books.uow() as uow:
        post_to_account(uow, fee.id, account="4423")
    assert entry_of(books, fee.id, "post#1") == [("4423", D("4.00"), D(0)), ("5121", D(0), D("4.00"))]
    with books.uow() as uow:
        assert cancel_line(uow, fee.id, on=ON, reason="tot greșit").was == "posted"
    assert balance(books, "627") == 0 and balance(books, "4423") == 0 and line(books, fee.id).reopened == 2


def test_refusals_name_the_field_or_rule_and_write_nothing(books: Books) -> None:
    ids = setup_bcr(books)
    receipt = lines_by_amount(books)["2380.00"]
    with pytest.raises(StaleMatch) as waiting, books.uow() as uow:
        cancel_line(uow, receipt.id, on=ON, reason="x")  # still new: nothing to cancel
    assert waiting.value.details["status"] == "new"
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    for kwargs, field in [
        ({"on": ON, "reason": "  "}, "reason"),
        ({"on": ON, "reason": "x" * 501}, "reason"),
        ({"on": date(2025, 12, 31), "reason": "x"}, "on"),
    ]:
        with pytest.raises(ValidationError) as error, books.uow() as uow:
            cancel_line(uow, receipt.id, **kwargs)  # type: ignore[arg-type]
        assert error.value.problems[0].field == field, kwargs
    with pytest.raises(NotFound), books.uow() as uow:
        cancel_line(uow, "no-such-line", on=ON, reason="x")
    with books.uow() as uow:
        change_period(uow, ChangePeriod(period=Period(2026, 1), action="close"))
    with pytest.raises(PeriodClosed), books.uow() as uow:
        cancel_line(uow, receipt.id, on=ON, reason="x")
    assert line(books, receipt.id).status == "reconciled" and item(books, ids["gen42"]) == ("0.00", "settled")
    assert [e for e in books.rows("acc_entries") if e.storno] == []
    assert len(books.rows("bank_reconciliations", line_id=receipt.id)) == 1


def test_the_ledger_refuses_to_reverse_a_bank_entry_and_names_the_route(books: Books) -> None:
    setup_bcr(books)
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    receipt = lines_by_amount(books)["2380.00"]
    (entry,) = [e for e in books.rows("acc_entries") if e.source_id == receipt.id]
    with pytest.raises(Conflict) as error, books.uow() as uow:
        entry_handlers.reverse(uow, ReverseEntry(entry.id, ON))
    assert error.value.code == "use_bank_line_cancel"
    assert error.value.details["route"] == f"POST {BANK}/lines/{receipt.id}/cancel"
    with books.uow() as uow:  # reversed before the refusal existed: cancelling names that storno
        earlier = entry_handlers.reverse_owned(uow, ReverseEntry(entry.id, ON))
        done = cancel_line(uow, receipt.id, on=ON, reason="corectat în registru")
    assert done.reversal_entry_id == earlier.id
    assert len([e for e in books.rows("acc_entries") if e.storno]) == 1


def test_cancelling_over_http_permissions_errors_and_result(api: Api) -> None:
    tenant = api.platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    books = Books(api.platform, tenant)
    setup_bcr(books)
    run_match(books.platform.databases, books.ctx, job_id="job-1")
    receipt = lines_by_amount(books)["2380.00"]
    accountant = api.login(tenant, "accountant")
    viewer = api.login(tenant, "viewer")
    url = f"{BANK}/lines/{receipt.id}/cancel"
    body = {"on": ON.isoformat(), "reason": "plătit de alt client"}
    assert api.client.post(url, json=body, headers=viewer.headers).status_code == 403
    bad = api.client.post(url, json={**body, "reason": ""}, headers=accountant.headers)
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "reason"
    done = api.client.post(url, json=body, headers=accountant.headers)
    assert done.status_code == 200, done.text
    shown = done.json()
    assert shown["status"] == "reopened" and shown["reconciliations"] == []
    assert shown["cancellation"]["was"] == "reconciled" and shown["cancellation"]["reversal_entry_id"]
    again = api.client.post(url, json=body, headers=accountant.headers)
    assert again.status_code == 409
    listed = api.client.get(f"{BANK}/lines", params={"status": "reopened"}, headers=accountant.headers)
    assert [x["id"] for x in listed.json()["lines"]] == [receipt.id]

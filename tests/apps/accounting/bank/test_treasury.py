"""The treasury account a statement posts to: per IBAN and currency, configured beside the posting rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.matching import run_match
from genius.apps.accounting.domain.fx import FxRate
from genius.apps.accounting.handlers import setup as acc_setup
from genius.apps.accounting.handlers import treasury
from genius.apps.accounting.handlers.fx_rates import store_rates
from genius.apps.accounting.handlers.setup import create_account
from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound, ValidationError
from tests.apps.accounting.bank.conftest import Api, Books, new_slug, sample

BCR_IBAN = "RO74RNCB0082000123450001"  # the account of the BCR sample statement
OTHER_IBAN = "RO02RNCB0300000777660001"


def posted_accounts(books: Books) -> set[str]:
    """The treasury accounts (512x) of every bank entry."""
    found = set()
    with books.uow(write=False) as uow:
        for row in books.rows("acc_entries"):
            if row.source_type == "bank_line":
                found |= {
                    x.account
                    for x in acc_repo.get_entry(uow.connection, row.id).lines
                    if x.account[:3] == "512"
                }
    return found


def bcr_receipt(books: Books) -> None:
    alfa = books.partner("Alfa Construct SRL", "14399840")
    books.invoice("GEN-000042", "2380.00", alfa, "Alfa Construct SRL")


def test_a_ron_statement_posts_to_5121_by_default(books: Books) -> None:
    bcr_receipt(books)
    with books.uow() as uow:
        import_statement_file(uow, sample("bcr.sta"))
        assert treasury.treasury_account(uow, BCR_IBAN, "RON") == "5121"
        assert treasury.treasury_account(uow, BCR_IBAN, "EUR") == "5124"
    run_match(books.platform.databases, books.ctx)
    assert posted_accounts(books) == {"5121"}
    assert books.rows("acc_bank_accounts") == []


def test_a_configured_iban_posts_to_its_analytic(books: Books) -> None:
    bcr_receipt(books)
    with books.uow() as uow:
        create_account(uow, "5121.07", "BCR lei")
        saved = treasury.save_bank_account(uow, "ro74 rncb 0082 0001 2345 0001", "ron", "5121.07", "BCR")
        import_statement_file(uow, sample("bcr.sta"))
    assert (saved.iban, saved.currency, saved.account) == (BCR_IBAN, "RON", "5121.07")
    summary = run_match(books.platform.databases, books.ctx)
    assert summary.reconciled == 1 and summary.fees == 1
    assert posted_accounts(books) == {"5121.07"}


def test_analytics_per_iban_are_created_on_first_use(books: Books) -> None:
    with books.uow() as uow:
        acc_setup.update_settings(uow, {"bank_analytics": True})
        first = treasury.treasury_account(uow, BCR_IBAN, "RON")
        again = treasury.treasury_account(uow, BCR_IBAN, "RON")
        other = treasury.treasury_account(uow, OTHER_IBAN, "EUR")
        names = acc_repo.accounts_by_code(uow.connection, [first, other])
    assert (first, again, other) == ("5121.01", "5121.01", "5124.01")
    assert BCR_IBAN in names[first].name and names[other].synthetic == "5124"
    assert {(r.iban, r.currency, r.account) for r in books.rows("acc_bank_accounts")} == {
        (BCR_IBAN, "RON", "5121.01"),
        (OTHER_IBAN, "EUR", "5124.01"),
    }


def test_a_eur_statement_of_a_configured_eur_account(books: Books) -> None:
    from tests.apps.accounting.bank.test_fx_postings import eur_statement, receivable

    receivable(books)
    with books.uow() as uow:
        create_account(uow, "5124.02", "BCR EUR")
        treasury.save_bank_account(uow, BCR_IBAN, "EUR", "5124.02")
        store_rates(uow.connection, [FxRate("EUR", date(2026, 1, 15), D("4.98"))], "test", utcnow())
        import_statement_file(uow, eur_statement())
    run_match(books.platform.databases, books.ctx)
    assert posted_accounts(books) == {"5124.02"}


def test_bank_accounts_refused_with_the_field_named(books: Books) -> None:
    with books.uow() as uow:
        cases = {
            ("RO00RNCB0082000123450001", "RON", "5121"): ("iban", "not a valid IBAN"),
            (BCR_IBAN, "EURO", "5124"): ("currency", "ISO 4217"),
            (BCR_IBAN, "EUR", "5121"): ("account", "a currency account posts to 5124"),
            (BCR_IBAN, "RON", "5124.01"): ("account", "a lei account posts to 5121"),
            (BCR_IBAN, "RON", "5121.99"): ("account", "not in the ledger"),
        }
        for (iban, currency, account), (field, text) in cases.items():
            with pytest.raises(ValidationError) as caught:
                treasury.save_bank_account(uow, iban, currency, account)
            assert caught.value.problems[0].field == field and text in caught.value.message
        treasury.save_bank_account(uow, BCR_IBAN, "EUR", "5124")
        with pytest.raises(ValidationError, match=r"configured in EUR .* this statement is in RON"):
            treasury.treasury_account(uow, BCR_IBAN, "RON")
        with pytest.raises(NotFound):
            treasury.delete_bank_account(uow, OTHER_IBAN)
        with pytest.raises(ValidationError, match="bank_analytics: true or false"):
            acc_setup.update_settings(uow, {"bank_analytics": "yes"})


def test_bank_accounts_over_http(api: Api) -> None:
    tenant = api.platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290")
    accountant = api.login(tenant, "accountant")
    url = "/api/v1/accounting/bank-accounts"
    listed = api.client.get(url, headers=accountant.headers).json()
    assert listed == {"items": [], "defaults": {"RON": "5121", "other": "5124", "analytics_per_iban": False}}
    body = {"iban": BCR_IBAN, "currency": "EUR", "account": "5124", "name": "BCR EUR"}
    saved = api.client.put(url, json=body, headers=accountant.headers)
    assert saved.status_code == 200 and saved.json()["account"] == "5124"
    refused = api.client.put(url, json={**body, "account": "5121"}, headers=accountant.headers)
    assert refused.status_code == 422 and "5124" in refused.json()["message"]
    assert [a["iban"] for a in api.client.get(url, headers=accountant.headers).json()["items"]] == [BCR_IBAN]
    clerk = api.login(tenant, "sales_clerk")
    assert api.client.put(url, json=body, headers=clerk.headers).status_code == 403
    assert api.client.delete(f"{url}/{BCR_IBAN}", headers=accountant.headers).status_code == 204
    assert api.client.delete(f"{url}/{BCR_IBAN}", headers=accountant.headers).status_code == 404
    changed = api.client.put(
        "/api/v1/accounting/settings", json={"bank_analytics": True}, headers=accountant.headers
    )
    assert changed.status_code == 200 and changed.json()["bank_analytics"] is True

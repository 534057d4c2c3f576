"""`genius subscribers --apps accounting`: the app subscribers as their own process handle an issued
invoice once, and the process stops cleanly on SIGTERM; `--apps` names apps or subscribers."""

from __future__ import annotations

import time
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer

from genius.apps.accounting import tables as acc
from genius.apps.accounting.subscriptions import CONSUMER as POSTINGS
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreateAndIssue
from genius.bootstrap import build_platform
from genius.cli.subscribers import selector
from genius.platform.bus.tables import inbox, outbox
from tests.apps.sales.conftest import setup_world
from tests.cli.genius_process import running_genius, stop_genius
from tests.web.conftest import base_settings

KNOWN = ["accounting.postings", "accounting.bank-open-items", "accounting.saft"]


def test_a_subscriber_process_posts_an_issued_invoice_once_and_stops_on_sigterm(tmp_path: Path) -> None:
    with closing(build_platform(base_settings(tmp_path))) as platform:
        world = setup_world(platform)
        with running_genius(["subscribers", "--apps", "accounting", "--grace", "5"], tmp_path) as process:
            with world.scope():
                h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
            with world.engine().connect() as conn:
                event_id = conn.execute(
                    sa.select(outbox.c.event_id).where(outbox.c.type == "sales.invoice.issued")
                ).scalar_one()
            deadline = time.monotonic() + 60
            while _count(world, acc.entries) < 1:  # the process relays the outbox and posts the invoice
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the subscriber process never posted the invoice"
                time.sleep(0.1)
            time.sleep(1.0)  # a second delivery, if there were one, would have been handled by now
            assert _count(world, acc.entries) == 1
            handled = sa.select(sa.func.count()).select_from(inbox)
            on_postings = handled.where(inbox.c.consumer == POSTINGS, inbox.c.event_id == event_id)
            assert _scalar(world, on_postings) == 1
            output = stop_genius(process)
    assert "subscribers ready: " in output and "accounting.postings" in output and "stopping" in output


def _count(world, table) -> int:  # type: ignore[no-untyped-def]
    return _scalar(world, sa.select(sa.func.count()).select_from(table))


def _scalar(world, query) -> int:  # type: ignore[no-untyped-def]
    with world.engine().connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_apps_select_by_app_or_by_subscriber_name() -> None:
    assert selector("all", KNOWN) is None
    by_app = selector("accounting", KNOWN)
    assert by_app is not None and all(by_app(name) for name in KNOWN)
    one = selector("accounting.saft", KNOWN)
    assert one is not None and [n for n in KNOWN if one(n)] == ["accounting.saft"]


@pytest.mark.parametrize("apps", ["sales", "accounting,crm", " , "])
def test_unknown_or_empty_apps_are_refused_naming_the_known_ones(apps: str) -> None:
    with pytest.raises(typer.BadParameter) as refused:
        selector(apps, KNOWN)
    assert "--apps" in str(refused.value.param_hint)
    if apps.strip(" ,"):
        assert "accounting.postings" in str(refused.value)

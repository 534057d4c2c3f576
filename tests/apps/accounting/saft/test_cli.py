"""`genius saft settings|export|sync` against a data folder where invoices were issued and posted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.handlers.entries import post
from genius.apps.accounting.handlers.postings import CUSTOMER, partner_account
from genius.apps.accounting.saft import tables as st
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreatePartner
from genius.cli.main import app
from genius.platform.db.uow import UnitOfWork
from genius.platform.settings import get_settings
from genius.platform.tenancy import TenantContext
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.apps.sales.conftest import OTHER_CUI, company_partner
from tests.web.conftest import MASTER_KEY


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI builds its platform from GENIUS_* variables: point them at the test's data folder."""
    monkeypatch.setenv("GENIUS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    for name in ("GENIUS_DATABASE_URL", "GENIUS_REDIS_URL", "GENIUS_AMQP_URL", "GENIUS_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_export_writes_the_file_only_when_it_is_complete(books: Books, cli_env: None, tmp_path: Path,
                                                               xsd_path: Path) -> None:  # fmt: skip
    issued = books.issue(issue_date="2026-10-05")
    await books.deliver()
    runner = CliRunner()
    out = tmp_path / "out" / "D406_2026-10.xml"
    missing = runner.invoke(
        app, ["saft", "export", "--tenant", books.slug, "--period", "2026-10", "--out", str(out)]
    )
    assert missing.exit_code == 1 and "contact person" in missing.output
    assert not out.exists() and list(out.parent.iterdir()) == []  # no temporary file left behind
    configured = runner.invoke(
        app,
        ["saft", "settings", "--tenant", books.slug, "--contact-first-name", "Ioana",
         "--contact-last-name", "Popescu", "--contact-telephone", "+40 264 000 000"],
    )  # fmt: skip
    assert configured.exit_code == 0, configured.output
    assert json.loads(configured.output)["contact_last_name"] == "Popescu"
    done = runner.invoke(
        app, ["saft", "export", "--tenant", books.slug, "--period", "2026-10", "--out", str(out), "--json"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output.strip().splitlines()[-1])
    document = out.read_bytes()
    assert report["sha256"] == hashlib.sha256(document).hexdigest() and report["size"] == len(document)
    assert report["counts"]["sales_invoices"] == 1 and issued.number.encode() in document
    progress = [line.split("%")[0].strip() for line in done.stderr.splitlines() if "%" in line]
    assert progress[0] == "1" and progress[-1] == "100", done.stderr
    assert_valid(document, xsd_path)
    with books.engine().connect() as conn:
        (row,) = conn.execute(sa.select(st.exports)).all()
    assert (row.period, row.storage_key, row.sha256) == ("2026-10", None, report["sha256"])
    bad = runner.invoke(
        app, ["saft", "export", "--tenant", books.slug, "--period", "2026-Q9", "--out", str(out)]
    )
    assert bad.exit_code == 1 and "period" in bad.output
    assert out.read_bytes() == document  # a refused export leaves the earlier file alone


async def test_a_blocking_finding_leaves_no_file(books: Books, cli_env: None, tmp_path: Path) -> None:
    books.issue(issue_date="2026-10-05")
    with books.world.scope():
        other = h.create_partner(
            books.world.deps, CreatePartner(company_partner(name="Fără Factură SRL", cui=OTHER_CUI))
        )
    await books.deliver()
    books.configure()
    ctx = TenantContext(books.world.tenant.id, books.slug, system=True)
    with UnitOfWork(books.platform.databases, tenant=ctx) as uow:
        account = partner_account(uow, other, CUSTOMER)
        lines = (
            Line(account, debit=Decimal("100.00"), partner_id=other),
            Line("1171", credit=Decimal("100.00")),
        )
        post(uow, EntryDraft("NC", date(2026, 10, 1), "Sold preluat", lines))
    out = tmp_path / "out" / "D406.xml"
    result = CliRunner().invoke(
        app, ["saft", "export", "--tenant", books.slug, "--period", "2026-10", "--out", str(out)]
    )
    assert result.exit_code == 1 and "PARTNER_NO_ADDRESS 0023456783" in result.output
    assert list(out.parent.iterdir()) == []  # neither the file nor its temporary


async def test_sync_copies_what_the_read_model_missed(books: Books, cli_env: None) -> None:
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    with books.engine().begin() as conn:
        conn.execute(st.document_lines.delete())
        conn.execute(st.documents.delete())
    result = CliRunner().invoke(app, ["saft", "sync", "--tenant", books.slug, "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "1 document(s)" in result.output
    with books.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(st.documents)).scalar_one() == 1

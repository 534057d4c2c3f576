"""Received invoices (FACTURA PRIMITA) from the ANAF double into the register: once, parsed, archived."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from genius.apps.procurement import tables as t
from genius.apps.sales.spv.messages import INBOUND, EfacturaWorkRequested
from genius.fiscal.ro.efactura import build_xml, load_json
from genius.kernel.ids import new_id
from genius.platform.bus.tables import outbox
from genius.platform.jobs.context import JobContext
from genius.workers import anaf_efactura
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import SELLER, Anaf

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def supplier_xml(name: str = "domestic-21-11", **changes: Any) -> bytes:
    """An example invoice addressed to our tenant (CUI 18547290) by another firm."""
    data = json.loads((EXAMPLES / f"efactura-{name}.json").read_text(encoding="utf-8"))
    data["buyer"]["vat_id"] = f"RO{SELLER}"
    data["buyer"]["legal_registration_id"] = {"value": SELLER}
    data.update(changes)
    return build_xml(load_json(json.dumps(data)))


def scan(world: World) -> Any:
    job = JobContext(job_id=new_id(), tag=anaf_efactura.TAG, tenant=world.ctx)
    return anaf_efactura.handle(EfacturaWorkRequested(action=INBOUND), job, world.platform)


def register(world: World) -> list[Any]:
    with world.engine().connect() as conn:
        return list(conn.execute(sa.select(t.supplier_invoices).order_by(t.supplier_invoices.c.number)).all())


def received_events(world: World) -> list[dict[str, Any]]:
    """The outbox bodies of ``procurement.supplier_invoice.received``, parsed."""
    with world.engine().connect() as conn:
        bodies = conn.execute(
            sa.select(outbox.c.body).where(outbox.c.type == "procurement.supplier_invoice.received")
        ).scalars()
        return [json.loads(body) for body in bodies]


def test_received_invoices_are_registered_once_with_their_archive(seller: World, anaf: Anaf) -> None:
    anaf.double.deliver_inbound(supplier_xml(), SELLER)
    anaf.double.deliver_inbound(supplier_xml(number="GEN-2025-0002"), SELLER)
    done = scan(seller)
    assert (done.outcome, done.received) == ("received", 2)
    rows = register(seller)
    assert [(r.number, r.supplier_cui, r.status) for r in rows] == [
        ("GEN-2025-0001", "12345674", "draft"),
        ("GEN-2025-0002", "12345674", "draft"),
    ]
    first = rows[0]
    assert first.buyer_cui == SELLER and first.currency == "RON" and first.anaf_download_id
    assert Decimal(first.payable_amount) > 0 and first.ubl.startswith(b"<?xml")
    archive = seller.platform.storage.get(seller.tenant.slug, first.archive_key)
    assert archive[:2] == b"PK"
    downloads = anaf.double.calls["descarcare"]
    again = scan(seller)  # nothing new: no download at all
    assert (again.received, anaf.double.calls["descarcare"]) == (0, downloads)
    data = [event["data"] for event in received_events(seller)]
    assert sorted(d["number"] for d in data) == ["GEN-2025-0001", "GEN-2025-0002"]
    assert all(p["treatment"] == "taxable" and Decimal(p["net"]) > 0 for d in data for p in d["parts"])
    # The supplier's partner id is its CUI: the ledger keeps it on its own 401 analytic.
    assert {d["supplier_id"] for d in data} == {"cui:12345674"}


def test_the_same_invoice_in_two_messages_is_one_entry(seller: World, anaf: Anaf) -> None:
    xml = supplier_xml()
    anaf.double.deliver_inbound(xml, SELLER)
    anaf.double.deliver_inbound(xml, SELLER)  # SPV delivered it twice (dedup by CUI + number + date)
    done = scan(seller)
    assert done.received == 1 and done.skipped == 1
    assert len(register(seller)) == 1
    with seller.engine().connect() as conn:
        states = sorted(conn.execute(sa.select(t.spv_messages.c.state)).scalars())
    assert states == ["duplicate", "registered"]


def test_a_credit_note_and_a_foreign_currency_invoice_keep_their_kind_and_ron_vat(
    seller: World, anaf: Anaf
) -> None:
    anaf.double.deliver_inbound(supplier_xml("eur-with-ron-vat"), SELLER)
    anaf.double.deliver_inbound(supplier_xml("credit-note"), SELLER)
    assert scan(seller).received == 2
    by_kind = {r.document_kind: r for r in register(seller)}
    foreign, credit = by_kind["invoice"], by_kind["credit_note"]
    assert foreign.currency == "EUR" and Decimal(foreign.vat_total_ron) > Decimal(foreign.vat_total)
    assert Decimal(credit.payable_amount) > 0  # as the document states it
    events = {e["data"]["document_kind"]: e["data"] for e in received_events(seller)}
    assert all(Decimal(p["net"]) < 0 for p in events["credit_note"]["parts"])  # the ledger's storno
    assert Decimal(events["invoice"]["exchange_rate"]) > 1


def test_our_own_sent_invoices_are_not_registered_as_purchases(seller: World, anaf: Anaf) -> None:
    from tests.apps.sales.spv.conftest import issue, run_job, start_submission

    invoice_id, _ = issue(seller)
    start_submission(seller, invoice_id)
    assert run_job(seller, invoice_id).outcome == "accepted"
    assert scan(seller).received == 0 and register(seller) == []


def test_classified_lines_reach_the_ledger_by_kind_and_category(seller: World, anaf: Anaf) -> None:
    """v2 parts: a CPV service line posts to 628, an NC goods line to 371, an unclassified one by default."""
    from types import SimpleNamespace

    from genius.apps.accounting import subscriptions
    from genius.apps.accounting import tables as acc
    from genius.platform.bus.catalogue import CATALOGUE
    from genius.platform.db.uow import UnitOfWork

    data = json.loads((EXAMPLES / "efactura-domestic-21-11.json").read_text(encoding="utf-8"))
    data["lines"][0]["item"]["classifications"] = [{"code": "72260000-5", "list_id": "STI"}]
    data["lines"][1]["item"]["classifications"] = [{"code": "49019900", "list_id": "HS"}]
    data["buyer"]["vat_id"] = f"RO{SELLER}"
    data["buyer"]["legal_registration_id"] = {"value": SELLER}
    anaf.double.deliver_inbound(build_xml(load_json(json.dumps(data))), SELLER)
    assert scan(seller).received == 1
    [body] = received_events(seller)
    assert body["dataschema"] == "urn:genius:schema:procurement.supplier_invoice.received:v2"
    parts = {(p.get("item_kind"), p.get("product_category")): p for p in body["data"]["parts"]}
    assert set(parts) == {("service", "STI:72260000-5"), ("goods", "HS:49019900"), (None, None)}
    assert (parts[("service", "STI:72260000-5")]["net"], parts[(None, None)]["net"]) == ("1255.00", "450.00")
    assert parts[("goods", "HS:49019900")]["vat_rate"] == "11"
    # Per VAT group the parts add up to the breakdown (21 %: 1255.00 + 450.00 -> VAT 358.05).
    assert sum(Decimal(p["vat"]) for p in body["data"]["parts"] if p["vat_rate"] == "21") == Decimal("358.05")
    event = CATALOGUE.get(body["type"], 2).decode(body["data"])
    with UnitOfWork(seller.platform.databases, tenant=seller.ctx) as uow:
        subscriptions.on_supplier_invoice_received(uow, event, SimpleNamespace(envelope=None))  # type: ignore[arg-type]
    with seller.engine().connect() as conn:
        debits = dict(
            conn.execute(
                sa.select(acc.lines.c.account, sa.func.sum(acc.lines.c.debit))
                .where(acc.lines.c.debit > 0)
                .group_by(acc.lines.c.account)
            ).all()
        )
    assert debits == {"628": 125500 + 45000, "371": 14997, "4426": 35805 + 1650}

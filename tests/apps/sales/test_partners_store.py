"""Partners on a real SQLite tenant: sealed CNPs, duplicates, updates with versions and events."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreateAndIssue, CreatePartner, UpdatePartner
from genius.apps.sales.domain.partners import PartnerInput
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.platform.audit.tables import audit_records
from genius.platform.crypto import CryptoError
from tests.apps.sales.conftest import CNP, World, address, company_partner, setup_world
from tests.apps.sales.test_issue import invoice_row, outbox_events


def person(**overrides: object) -> PartnerInput:
    values: dict[str, object] = {
        "kind": "individual",
        "name": "Ion Popescu",
        "address": address(),
        "cnp": CNP,
    }
    values.update(overrides)
    return PartnerInput(**values)  # type: ignore[arg-type]


def partner_row(world: World, partner_id: str) -> sa.Row:  # type: ignore[type-arg]
    with world.engine().connect() as conn:
        return conn.execute(sa.select(t.partners).where(t.partners.c.id == partner_id)).one()


def test_cnp_is_sealed_at_rest_shown_masked_and_written_to_the_invoice(world: World) -> None:
    with world.scope():
        partner_id = h.create_partner(world.deps, CreatePartner(person()))
    row = partner_row(world, partner_id)
    assert CNP.encode() not in row.cnp_sealed and row.cnp_last4 == CNP[-4:]
    assert all(CNP not in str(value) for key, value in row._mapping.items() if key != "cnp_sealed")
    with world.engine().connect() as conn:
        audit_text = " ".join(conn.execute(sa.select(audit_records.c.after_json)).scalars())
    assert CNP not in audit_text
    [event] = [
        e for e in outbox_events(world, "sales.partner.created") if e["data"]["partner_id"] == partner_id
    ]
    assert event["data"]["kind"] == "individual" and CNP not in json.dumps(event)
    assert world.deps.vault(world.ctx).open(partner_id, row.cnp_sealed) == CNP
    document = world.draft(buyer={"partner_id": partner_id})
    with world.scope():
        issued = h.create_and_issue(world.deps, CreateAndIssue(document))
    assert f"<cbc:CompanyID>{CNP}</cbc:CompanyID>".encode() in bytes(
        invoice_row(world, issued.invoice_id).xml
    )
    [issued_event] = outbox_events(world, "sales.invoice.issued")
    assert CNP not in json.dumps(issued_event) and issued_event["data"]["buyer_kind"] == "individual"


def test_a_sealed_cnp_opens_only_for_its_tenant_and_its_row(world: World) -> None:
    with world.scope():
        partner_id = h.create_partner(world.deps, CreatePartner(person()))
    sealed = partner_row(world, partner_id).cnp_sealed
    other = replace(world.ctx, tenant_id=str(uuid.uuid4()))
    with pytest.raises(CryptoError):
        world.deps.vault(other).open(partner_id, sealed)
    with pytest.raises(CryptoError):  # moved to another partner row
        world.deps.vault(world.ctx).open(str(uuid.uuid4()), sealed)


def test_duplicates_by_cui_or_cnp_are_refused_naming_the_other_partner(world: World) -> None:
    with world.scope():
        first = h.create_partner(world.deps, CreatePartner(person()))
        before = world.counts()
        with pytest.raises(Conflict) as caught:
            h.create_partner(world.deps, CreatePartner(person(name="Ion P.")))
        assert caught.value.details == {"field": "cnp", "partner_id": first}
        with pytest.raises(Conflict) as caught:
            h.create_partner(world.deps, CreatePartner(company_partner(name="Alt nume SRL")))
        assert caught.value.details == {"field": "cui", "partner_id": world.ids["partner"]}
    assert world.counts() == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (company_partner(cui="RO14399841"), "cui"),
        (company_partner(iban="RO49AAAA1B31007593840001"), "iban"),
        (person(cnp="1800101221145"), "cnp"),
        (company_partner(address=address(county="RO-XX")), "address.county"),
    ],
)
def test_bad_identifiers_write_nothing(world: World, raw: PartnerInput, field: str) -> None:
    before = world.counts()
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.create_partner(world.deps, CreatePartner(raw))
    assert [p.field for p in caught.value.problems] == [field]
    assert world.counts() == before


def test_update_bumps_the_version_names_changed_fields_and_refuses_stale_writes(world: World) -> None:
    partner_id = world.ids["partner"]
    with world.scope():
        version = h.update_partner(
            world.deps,
            UpdatePartner(partner_id, company_partner(name="Client Nou SRL", payment_term_days=45), 1),
        )
        assert version == 2
        with pytest.raises(Conflict) as caught:
            h.update_partner(world.deps, UpdatePartner(partner_id, company_partner(), 1))
        assert caught.value.code == "stale_version"
        with pytest.raises(NotFound):
            h.update_partner(world.deps, UpdatePartner("nope", company_partner()))
    [event] = outbox_events(world, "sales.partner.updated")
    assert event["data"]["version"] == 2 and event["data"]["changed"] == ["name", "payment_term_days"]
    assert partner_row(world, partner_id).name == "Client Nou SRL"


def test_tenants_do_not_share_partners(world: World) -> None:
    other = setup_world(world.platform)
    with other.scope(), pytest.raises(NotFound):
        h.update_partner(other.deps, UpdatePartner(world.ids["partner"], company_partner()))

"""Handlers of partner commands: create and update, each in one unit of work with audit and event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreatePartner, UpdatePartner
from genius.apps.sales.domain.partners import Partner, validate_partner
from genius.apps.sales.events import PartnerCreated, PartnerUpdated
from genius.apps.sales.handlers.deps import SalesDeps
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound
from genius.kernel.ids import new_id
from genius.platform.audit import AuditEntry
from genius.platform.tenancy import current_tenant


def summary(partner_id: str, partner: Partner) -> dict[str, Any]:
    """What the audit trail keeps of a partner: never the CNP, only its last digits."""
    return {
        "id": partner_id,
        "kind": partner.kind.value,
        "name": partner.name,
        "cui": partner.cui,
        "vat_id": partner.vat_id,
        "cnp_last4": partner.cnp_last_digits,
        "country_code": partner.country_code,
    }


def _duplicate(field_name: str, other: str) -> Conflict:
    return Conflict(
        f"{field_name}: partner {other} already has this {field_name.replace('_', ' ')}",
        code="partner_duplicate",
        details={"field": field_name, "partner_id": other},
    )


def create_partner(deps: SalesDeps, cmd: CreatePartner) -> str:
    """Check and store a new partner (CNP sealed); publishes ``sales.partner.created``."""
    partner = validate_partner(cmd.fields)
    ctx = current_tenant()
    vault = deps.vault(ctx)
    partner_id, now = new_id(), utcnow()
    digest = vault.digest(partner.cnp) if partner.cnp else None
    try:
        with deps.uow() as uow:
            conn = uow.connection
            duplicate = repo.duplicate_partner(conn, partner, digest)
            if duplicate is not None:
                raise _duplicate(*duplicate)
            conn.execute(
                t.partners.insert().values(
                    id=partner_id,
                    **repo.partner_values(partner),
                    cnp_sealed=vault.seal(partner_id, partner.cnp) if partner.cnp else None,
                    cnp_digest=digest,
                    cnp_last4=partner.cnp_last_digits,
                    version=1,
                    created_at=now,
                    created_by=ctx.user_id,
                    updated_at=now,
                    updated_by=ctx.user_id,
                )
            )
            deps.audit.record_in(
                conn,
                AuditEntry(
                    action="sales.partner.create",
                    resource_type="sales.partner",
                    resource_id=partner_id,
                    after=summary(partner_id, partner),
                ),
            )
            uow.publish(
                PartnerCreated(
                    partner_id=partner_id,
                    kind=partner.kind.value,
                    name=partner.name,
                    country_code=partner.country_code,
                    cui=partner.cui,
                    vat_id=partner.vat_id,
                    vat_payer=partner.vat_payer,
                ),
                subject=partner_id,
            )
    except IntegrityError as exc:  # a concurrent create took the same CUI/VAT id/CNP first
        raise Conflict(
            "a partner with the same CUI, VAT id or CNP was created meanwhile", code="partner_duplicate"
        ) from exc
    return partner_id


def update_partner(deps: SalesDeps, cmd: UpdatePartner) -> int:
    """Replace a partner's details; returns its new version; publishes ``sales.partner.updated``."""
    partner = validate_partner(cmd.fields)
    ctx = current_tenant()
    vault = deps.vault(ctx)
    digest = vault.digest(partner.cnp) if partner.cnp else None
    try:
        with deps.uow() as uow:
            conn = uow.connection
            row = repo.get_partner_row(conn, cmd.partner_id, for_update=True)
            if row is None:
                raise NotFound(f"no partner {cmd.partner_id} in this tenant", code="partner_not_found")
            if cmd.expected_version is not None and cmd.expected_version != row.version:
                raise Conflict(
                    f"partner {cmd.partner_id} is at version {row.version}, not {cmd.expected_version}:"
                    " reload it",
                    code="stale_version",
                    details={"version": row.version},
                )
            duplicate = repo.duplicate_partner(conn, partner, digest, except_id=cmd.partner_id)
            if duplicate is not None:
                raise _duplicate(*duplicate)
            before = repo.partner_from_row(row, None)
            values = repo.partner_values(partner)
            changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
            if digest != row.cnp_digest:
                changed.append("cnp")
            version = row.version + 1
            conn.execute(
                t.partners.update()
                .where(t.partners.c.id == cmd.partner_id)
                .values(
                    **values,
                    cnp_sealed=vault.seal(cmd.partner_id, partner.cnp) if partner.cnp else None,
                    cnp_digest=digest,
                    cnp_last4=partner.cnp_last_digits,
                    version=version,
                    updated_at=utcnow(),
                    updated_by=ctx.user_id,
                )
            )
            before_summary = summary(cmd.partner_id, before) | {"cnp_last4": row.cnp_last4}
            deps.audit.record_in(
                conn,
                AuditEntry(
                    action="sales.partner.update",
                    resource_type="sales.partner",
                    resource_id=cmd.partner_id,
                    before=before_summary,
                    after=summary(cmd.partner_id, partner) | {"changed": changed},
                ),
            )
            uow.publish(
                PartnerUpdated(
                    partner_id=cmd.partner_id,
                    version=version,
                    kind=partner.kind.value,
                    name=partner.name,
                    country_code=partner.country_code,
                    cui=partner.cui,
                    vat_id=partner.vat_id,
                    vat_payer=partner.vat_payer,
                    changed=changed,
                ),
                subject=cmd.partner_id,
            )
    except IntegrityError as exc:
        raise Conflict(
            "a partner with the same CUI, VAT id or CNP was saved meanwhile", code="partner_duplicate"
        ) from exc
    return version

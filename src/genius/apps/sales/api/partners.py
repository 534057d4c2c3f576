"""Routes of partners (customers): create, read, list with filters and pages, update."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status

from genius.apps.sales import handlers as h
from genius.apps.sales.api.deps import Deps, Queries
from genius.apps.sales.api.routes import router
from genius.apps.sales.commands import CreatePartner, UpdatePartner
from genius.apps.sales.schemas import PartnerIn, PartnerOut, PartnerPage
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext, tenant_scope

Reader = Annotated[TenantContext, Depends(require("sales.partner.read"))]
Writer = Annotated[TenantContext, Depends(require("sales.partner.write"))]


@router.post(
    "/partners",
    response_model=PartnerOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a partner (company by CUI, individual, foreign firm)",
    description="Identifiers are checked (CUI and CNP check digits, Trade Register format, IBAN, EU VAT"
    " numbers, ISO 3166-2:RO county, Bucharest sector); a bad value is refused naming the field."
    " Publishes sales.partner.created.",
)
def create_partner(body: PartnerIn, ctx: Writer, deps: Deps, queries: Queries) -> PartnerOut:
    with tenant_scope(ctx):
        return PartnerOut.of(queries.partner(h.create_partner(deps, CreatePartner(body.to_domain()))))


@router.get("/partners", response_model=PartnerPage, summary="List partners with filters and pages")
def list_partners(
    ctx: Reader,
    queries: Queries,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    kind: Annotated[str | None, Query(max_length=20, description="company, individual or foreign")] = None,
    cui: Annotated[str | None, Query(max_length=20)] = None,
    vat_id: Annotated[str | None, Query(max_length=30)] = None,
    country_code: Annotated[str | None, Query(max_length=2)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PartnerPage:
    with tenant_scope(ctx):
        page = queries.partners(
            q=q, kind=kind, cui=cui, vat_id=vat_id, country_code=country_code, limit=limit, offset=offset
        )
    return PartnerPage(
        items=[PartnerOut.of(p) for p in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get("/partners/{partner_id}", response_model=PartnerOut, summary="Read a partner")
def get_partner(partner_id: str, ctx: Reader, queries: Queries) -> PartnerOut:
    with tenant_scope(ctx):
        return PartnerOut.of(queries.partner(partner_id))


@router.put(
    "/partners/{partner_id}",
    response_model=PartnerOut,
    summary="Replace a partner's details",
    description="Give `version` to refuse the change when someone else changed the partner since you read it."
    " Publishes sales.partner.updated.",
)
def put_partner(partner_id: str, body: PartnerIn, ctx: Writer, deps: Deps, queries: Queries) -> PartnerOut:
    with tenant_scope(ctx):
        h.update_partner(deps, UpdatePartner(partner_id, body.to_domain(), body.version))
        return PartnerOut.of(queries.partner(partner_id))

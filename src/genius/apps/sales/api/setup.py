"""Routes of the sales set-up: company profile (the seller), products, numbering series."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status

from genius.apps.sales import handlers as h
from genius.apps.sales.api.deps import Deps, Queries
from genius.apps.sales.api.routes import router
from genius.apps.sales.commands import CreateProduct, CreateSeries, SetCompanyProfile, UpdateProduct
from genius.apps.sales.schemas import (
    CompanyIn,
    CompanyOut,
    ProductIn,
    ProductOut,
    ProductPage,
    SeriesIn,
    SeriesOut,
)
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext, tenant_scope

SettingsReader = Annotated[TenantContext, Depends(require("sales.settings.read"))]
SettingsWriter = Annotated[TenantContext, Depends(require("sales.settings.write"))]
ProductReader = Annotated[TenantContext, Depends(require("sales.product.read"))]
ProductWriter = Annotated[TenantContext, Depends(require("sales.product.write"))]
SeriesReader = Annotated[TenantContext, Depends(require("sales.series.read"))]
SeriesWriter = Annotated[TenantContext, Depends(require("sales.series.write"))]


@router.get("/company", response_model=CompanyOut, summary="Read the company profile (the seller)")
def get_company(ctx: SettingsReader, queries: Queries) -> CompanyOut:
    with tenant_scope(ctx):
        return CompanyOut.of(queries.company())


@router.put(
    "/company", response_model=CompanyOut, summary="Set the company profile (the seller on every invoice)"
)
def put_company(body: CompanyIn, ctx: SettingsWriter, deps: Deps, queries: Queries) -> CompanyOut:
    with tenant_scope(ctx):
        h.set_company_profile(deps, SetCompanyProfile(body.to_domain()))
        return CompanyOut.of(queries.company())


@router.post(
    "/products",
    response_model=ProductOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a product or service",
)
def create_product(body: ProductIn, ctx: ProductWriter, deps: Deps, queries: Queries) -> ProductOut:
    with tenant_scope(ctx):
        return ProductOut.of(queries.product(h.create_product(deps, CreateProduct(body.to_domain()))))


@router.get("/products", response_model=ProductPage, summary="List products (search by code or name)")
def list_products(
    ctx: ProductReader,
    queries: Queries,
    q: Annotated[str | None, Query(max_length=100, description="Part of the code or name")] = None,
    vat_category: Annotated[str | None, Query(max_length=2)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ProductPage:
    with tenant_scope(ctx):
        page = queries.products(q=q, vat_category=vat_category, limit=limit, offset=offset)
    return ProductPage(
        items=[ProductOut.of(p) for p in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get("/products/{product_id}", response_model=ProductOut, summary="Read a product")
def get_product(product_id: str, ctx: ProductReader, queries: Queries) -> ProductOut:
    with tenant_scope(ctx):
        return ProductOut.of(queries.product(product_id))


@router.put("/products/{product_id}", response_model=ProductOut, summary="Replace a product's details")
def put_product(
    product_id: str, body: ProductIn, ctx: ProductWriter, deps: Deps, queries: Queries
) -> ProductOut:
    with tenant_scope(ctx):
        h.update_product(deps, UpdateProduct(product_id, body.to_domain(), body.version))
        return ProductOut.of(queries.product(product_id))


@router.post(
    "/series",
    response_model=SeriesOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a numbering series",
)
def create_series(body: SeriesIn, ctx: SeriesWriter, deps: Deps, queries: Queries) -> SeriesOut:
    with tenant_scope(ctx):
        return SeriesOut.of(queries.series(h.create_series(deps, CreateSeries(body.to_domain()))))


@router.get(
    "/series", response_model=list[SeriesOut], summary="List numbering series and where each counter stands"
)
def list_series(ctx: SeriesReader, queries: Queries) -> list[SeriesOut]:
    with tenant_scope(ctx):
        return [SeriesOut.of(s) for s in queries.all_series()]


@router.get("/series/{series_id}", response_model=SeriesOut, summary="Read a numbering series")
def get_series(series_id: str, ctx: SeriesReader, queries: Queries) -> SeriesOut:
    with tenant_scope(ctx):
        return SeriesOut.of(queries.series(series_id))

"""Handlers of the sales set-up: the company profile (the seller), products and numbering series."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreateProduct, CreateSeries, SetCompanyProfile, UpdateProduct
from genius.apps.sales.domain.company import validate_company
from genius.apps.sales.domain.products import validate_product
from genius.apps.sales.domain.series import validate_series
from genius.apps.sales.handlers.deps import SalesDeps
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound
from genius.kernel.ids import new_id
from genius.platform.audit import AuditEntry
from genius.platform.tenancy import current_tenant


def set_company_profile(deps: SalesDeps, cmd: SetCompanyProfile) -> int:
    """Create or replace the seller profile; its CUI must be the tenant's. Returns its version."""
    ctx = current_tenant()
    tenant = deps.tenants.get(ctx.slug)
    profile = validate_company(cmd.fields, tenant.cui)
    with deps.uow() as uow:
        version = repo.save_company(uow.connection, profile, utcnow(), ctx.user_id)
        deps.audit.record_in(
            uow.connection,
            AuditEntry(
                action="sales.company.update",
                resource_type="sales.company",
                resource_id=profile.cui,
                after={
                    "name": profile.name,
                    "cui": profile.cui,
                    "vat_payer": profile.vat_payer,
                    "version": version,
                },
            ),
        )
    return version


def _product_conflict(code: str) -> Conflict:
    return Conflict(
        f"code: a product with code {code!r} exists", code="product_duplicate", details={"field": "code"}
    )


def create_product(deps: SalesDeps, cmd: CreateProduct) -> str:
    product = validate_product(cmd.fields)
    ctx = current_tenant()
    product_id, now = new_id(), utcnow()
    try:
        with deps.uow() as uow:
            conn = uow.connection
            if repo.product_code_taken(conn, product.code):
                raise _product_conflict(product.code)
            conn.execute(
                t.products.insert().values(
                    id=product_id,
                    **repo.product_values(product),
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
                    action="sales.product.create",
                    resource_type="sales.product",
                    resource_id=product_id,
                    after=repo.product_values(product),
                ),
            )
    except IntegrityError as exc:
        raise _product_conflict(product.code) from exc
    return product_id


def update_product(deps: SalesDeps, cmd: UpdateProduct) -> int:
    product = validate_product(cmd.fields)
    ctx = current_tenant()
    try:
        with deps.uow() as uow:
            conn = uow.connection
            row = repo.get_product_row(conn, cmd.product_id, for_update=True)
            if row is None:
                raise NotFound(f"no product {cmd.product_id} in this tenant", code="product_not_found")
            if cmd.expected_version is not None and cmd.expected_version != row.version:
                raise Conflict(
                    f"product {cmd.product_id} is at version {row.version}, not {cmd.expected_version}:"
                    " reload it",
                    code="stale_version",
                    details={"version": row.version},
                )
            if repo.product_code_taken(conn, product.code, except_id=cmd.product_id):
                raise _product_conflict(product.code)
            values = repo.product_values(product)
            conn.execute(
                t.products.update()
                .where(t.products.c.id == cmd.product_id)
                .values(**values, version=row.version + 1, updated_at=utcnow(), updated_by=ctx.user_id)
            )
            deps.audit.record_in(
                conn,
                AuditEntry(
                    action="sales.product.update",
                    resource_type="sales.product",
                    resource_id=cmd.product_id,
                    before=repo.product_values(repo.product_from_row(row)),
                    after=values,
                ),
            )
    except IntegrityError as exc:
        raise _product_conflict(product.code) from exc
    return int(row.version) + 1


def create_series(deps: SalesDeps, cmd: CreateSeries) -> str:
    """A new numbering series; ``is_default`` makes it the default of its document kind."""
    series = validate_series(cmd.fields)
    ctx = current_tenant()
    series_id = new_id()
    try:
        with deps.uow() as uow:
            conn = uow.connection
            if repo.prefix_taken(conn, series.prefix):
                raise Conflict(
                    f"prefix: a series with prefix {series.prefix!r} exists", code="series_duplicate"
                )
            if series.is_default:
                repo.clear_default(conn, series.document_kind)
            repo.insert_series(conn, series_id, series, utcnow(), ctx.user_id)
            deps.audit.record_in(
                conn,
                AuditEntry(
                    action="sales.series.create",
                    resource_type="sales.series",
                    resource_id=series_id,
                    after={
                        "prefix": series.prefix,
                        "document_kind": series.document_kind.value,
                        "reset": series.reset.value,
                        "next_number": series.next_number,
                        "is_default": series.is_default,
                    },
                ),
            )
    except IntegrityError as exc:
        raise Conflict(
            f"prefix: a series with prefix {series.prefix!r} exists", code="series_duplicate"
        ) from exc
    return series_id

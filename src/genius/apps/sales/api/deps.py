"""FastAPI dependencies of the sales routes: the handlers' SalesDeps and the read side, per app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from genius.apps.sales.handlers import SalesDeps
from genius.apps.sales.queries import SalesQueries


async def sales_deps(request: Request) -> SalesDeps:
    """Built once per app from ``app.state.platform`` (the gateway puts the Platform there).

    ``async`` although it awaits nothing: FastAPI runs a plain ``def`` dependency in the thread
    pool, a hop per request for what is a dictionary lookup.
    """
    state = request.app.state
    deps = getattr(state, "sales_deps", None)
    if deps is None:
        platform = state.platform
        deps = SalesDeps(
            databases=platform.databases,
            audit=platform.audit,
            master_key=platform.master_key,
            tenants=platform.tenants,
            authorizer=platform.auth.authorizer,
        )
        state.sales_deps = deps
    return deps  # type: ignore[no-any-return]


async def sales_queries(request: Request) -> SalesQueries:
    return SalesQueries((await sales_deps(request)).databases)


Deps = Annotated[SalesDeps, Depends(sales_deps)]
Queries = Annotated[SalesQueries, Depends(sales_queries)]

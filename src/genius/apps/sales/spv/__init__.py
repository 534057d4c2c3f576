"""The sales app's side of ANAF's SPV and other outside services: OAuth per tenant, e-Factura
submission (worker ``anaf.efactura``), the legal archive of what ANAF returned, the VAT payer
lookup cache (worker ``anaf.taxpayer``), BNR rates, rendered documents and e-mails, schedules.

``SPV_COMPONENT`` (schema ``sales_spv``, tables ``spv_*``) is a tenant-database migration
component of its own, listed in ``bootstrap.tenant_components`` after ``sales``: the sales
tables stay the sales chain's, these are the outside world's traces.

Modules: ``tables`` (schema), ``messages`` (worker contracts), ``submission`` (the crash-safe
upload / reconcile / poll / archive engine), ``records`` (its database steps), ``oauth``
(authorize, callback, status, scheduled refresh), ``taxpayers`` (lookup with cache and stale
fallback), ``schedule`` (claims of periodic jobs), ``crashpoints`` (fault injection for the
kill tests), ``api`` (HTTP under ``/api/v1/sales``).
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

SPV_COMPONENT = MigrationComponent(
    name="sales_spv", schema="sales_spv", script_location=migrations_folder(__file__)
)

__all__ = ["SPV_COMPONENT"]

"""Fixed-asset register (part of accounting): assets, their monthly depreciation and their disposal.

Inner shape (DESIGN.md, as ``accounting/bank``): ``domain/`` (pure: accounts and catalogue classes
of HG 2139/2004, the linear schedule, the figures of a reporting period), ``tables`` +
``repository``, ``handlers/`` (register, depreciation run, disposal; each in the caller's unit of
work, posting through accounting's ``handlers.entries.post`` with the asset as source document),
``api`` + ``schemas`` (HTTP under ``/api/v1/accounting/assets``). ``ASSETS_COMPONENT`` is the
tenant-database migration component (schema ``assets``, tables ``ast_*``), listed in
``bootstrap.tenant_components`` after accounting's. The annual D406 (HeaderComment A) reads the
register through ``repository.list_assets`` (``genius.apps.accounting.saft.masters.assets``).
Rules and postings: docs/fixed-assets.md.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

ASSETS_COMPONENT = MigrationComponent(
    name="assets", schema="assets", script_location=migrations_folder(__file__)
)

__all__ = ["ASSETS_COMPONENT"]

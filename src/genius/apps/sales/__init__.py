"""Sales and billing (brand Mercantiq): partners, products, numbering series, invoices and credit
notes issued as RO e-Factura UBL, and their e-Factura submission records.

Inner shape (DESIGN.md): ``domain/`` (pure rules), ``commands``, ``events`` (the public contract),
``handlers/`` (one unit of work each), ``tables`` + ``repository``, ``queries`` (read side),
``api/`` + ``schemas`` (HTTP under ``/api/v1/sales``). ``SALES_COMPONENT`` is the migration
component of the tenant databases (schema ``sales``), listed in ``bootstrap.tenant_components``.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

SALES_COMPONENT = MigrationComponent(
    name="sales", schema="sales", script_location=migrations_folder(__file__)
)

__all__ = ["SALES_COMPONENT"]

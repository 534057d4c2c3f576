"""Procurement (minimal register): supplier invoices received through ANAF's e-Factura SPV.

Inner shape (DESIGN.md): ``domain`` (a received UBL read into a register entry, pure),
``events`` (``procurement.supplier_invoice.received``), ``handlers`` (register once: dedup by the
ANAF download id and by supplier CUI + number + date), ``inbound`` (the SPV scan the
``anaf.efactura`` worker runs: list ``FACTURA PRIMITA``, download each once, archive, parse,
register), ``tables`` (schema ``procurement``), ``queries`` + ``api`` (``/api/v1/procurement``).
``PROCUREMENT_COMPONENT`` is listed in ``bootstrap.tenant_components``.
"""

from __future__ import annotations

from genius.platform.db.migrate import MigrationComponent, migrations_folder

PROCUREMENT_COMPONENT = MigrationComponent(
    name="procurement", schema="procurement", script_location=migrations_folder(__file__)
)

__all__ = ["PROCUREMENT_COMPONENT"]

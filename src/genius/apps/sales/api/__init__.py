"""The sales HTTP API under ``/api/v1/sales`` (thin routes: schema in, handler or query, schema out).

``router`` is mounted by the gateway (``genius.web.app.create_app``). Permissions:
``sales.settings.read|write`` (company profile), ``sales.partner.read|write``,
``sales.product.read|write``, ``sales.series.read|write``, ``sales.invoice.read|create|issue|cancel``,
``sales.credit_note.create``.
"""

from genius.apps.sales.api import invoices, partners, setup  # noqa: F401  (their routes join the router)
from genius.apps.sales.api.routes import router

__all__ = ["router"]

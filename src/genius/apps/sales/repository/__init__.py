"""Reads and writes of the sales tables inside a caller's transaction (rows <-> domain values).

Every function takes the unit of work's connection; nothing here commits. ``for_update`` reads
lock the row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writer already holds the
database lock from ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from genius.apps.sales.repository.invoices import (
    corrected_invoice,
    delete_invoice,
    get_invoice_row,
    insert_invoice,
    insert_submission,
    save_submission,
    submission_from_row,
    submission_values,
    submissions_of,
    update_invoice,
)
from genius.apps.sales.repository.master import (
    duplicate_partner,
    get_company,
    get_partner_row,
    get_product_row,
    partner_from_row,
    partner_values,
    product_code_taken,
    product_from_row,
    product_values,
    products_by_id,
    save_company,
)
from genius.apps.sales.repository.rows import (
    canonical,
)
from genius.apps.sales.repository.series import (
    advance_series,
    clear_default,
    default_series_id,
    default_series_row,
    get_series_row,
    insert_series,
    prefix_taken,
    series_from_row,
)

__all__ = [
    "advance_series",
    "canonical",
    "clear_default",
    "corrected_invoice",
    "default_series_id",
    "default_series_row",
    "delete_invoice",
    "duplicate_partner",
    "get_company",
    "get_invoice_row",
    "get_partner_row",
    "get_product_row",
    "get_series_row",
    "insert_invoice",
    "insert_series",
    "insert_submission",
    "partner_from_row",
    "partner_values",
    "prefix_taken",
    "product_code_taken",
    "product_from_row",
    "product_values",
    "products_by_id",
    "save_company",
    "save_submission",
    "series_from_row",
    "submission_from_row",
    "submission_values",
    "submissions_of",
    "update_invoice",
]

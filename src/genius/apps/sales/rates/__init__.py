"""BNR reference exchange rates in the tenant database, effective-dated, for foreign-currency invoices.

Rates come from BNR's daily XML feed (worker ``bnr.rates``, scheduled) or from a file for offline
use (``genius bnr import FILE``); ``store`` keeps one row per currency and BNR date (table
``spv_bnr_rates`` of the ``sales_spv`` component). ``rate_for_tax_point`` is the rate a document
in a foreign currency takes when its draft gives none: Codul fiscal art. 290 alin. (2) says the
last rate BNR communicated BEFORE the date the VAT becomes chargeable (the tax point), i.e. the
sheet BNR published the banking day before (its Cube date < tax point date).
"""

from genius.apps.sales.rates.store import BnrRate, NoBnrRate, rate_for_tax_point, store_document

__all__ = ["BnrRate", "NoBnrRate", "rate_for_tax_point", "store_document"]

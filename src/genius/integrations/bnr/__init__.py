"""BNR (Banca Națională a României) reference exchange rates: fetch, parse, import from a file.

Public names: ``BnrClient`` (``latest``, ``last_ten_days``, ``year``, ``sheet_on_or_before``),
``parse_bnr_xml``, ``load_file`` and ``load_stored`` (offline import: a file, stored bytes), the
typed results ``BnrDocument``, ``RateSheet``, ``ExchangeRate`` (``rate`` as Decimal,
``multiplier``, ``per_unit``), and the errors ``BnrError``, ``BnrUnavailable``, ``BnrCircuitOpen``,
``BnrFormatError``. The double is :mod:`genius.integrations.bnr.double` (tests, the sandbox).
"""

from genius.integrations.bnr.client import BnrClient
from genius.integrations.bnr.errors import BnrCircuitOpen, BnrError, BnrFormatError, BnrUnavailable
from genius.integrations.bnr.model import BnrDocument, ExchangeRate, RateSheet
from genius.integrations.bnr.parse import BNR_NAMESPACE, load_file, load_stored, parse_bnr_xml

__all__ = [
    "BNR_NAMESPACE",
    "BnrCircuitOpen",
    "BnrClient",
    "BnrDocument",
    "BnrError",
    "BnrFormatError",
    "BnrUnavailable",
    "ExchangeRate",
    "RateSheet",
    "load_file",
    "load_stored",
    "parse_bnr_xml",
]

"""Deterministic mutations of e-Factura XML, one broken thing each, grouped in families.

Each mutation edits an lxml tree in place and returns False when the document lacks what it
would break (then the corpus tries the next base). Randomness (text content, which line) comes
only from the ``random.Random`` handed in, so a seed fixes every document.
"""

from tests.fiscal.ro.efactura.validate.mutations import amounts, dates_payment, vat_addresses
from tests.fiscal.ro.efactura.validate.mutations.core import MUTATIONS, NS, RO_CIUS_ID, Mutation

FAMILIES = tuple(dict.fromkeys(m.family for m in MUTATIONS))

__all__ = [
    "FAMILIES",
    "MUTATIONS",
    "NS",
    "RO_CIUS_ID",
    "Mutation",
    "amounts",
    "dates_payment",
    "vat_addresses",
]

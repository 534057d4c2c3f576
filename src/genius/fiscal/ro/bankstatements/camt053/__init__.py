"""CAMT.053 (ISO 20022 bank-to-customer statement, 001.02 to 001.08): ``parse_camt053(bytes)``."""

from genius.fiscal.ro.bankstatements.camt053.loader import MAX_STATEMENT_BYTES
from genius.fiscal.ro.bankstatements.camt053.parser import SUPPORTED_VERSIONS, parse_camt053

__all__ = ["MAX_STATEMENT_BYTES", "SUPPORTED_VERSIONS", "parse_camt053"]

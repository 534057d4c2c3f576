"""MT940 (SWIFT customer statement) as Romanian banks write it: ``parse_mt940(bytes)``."""

from genius.fiscal.ro.bankstatements.mt940.parser import parse_mt940

__all__ = ["parse_mt940"]

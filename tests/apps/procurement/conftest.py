"""Procurement fixtures: the ANAF double and an authorized tenant (shared with the sales SPV tests)."""

from tests.apps.sales.spv.conftest import anaf, seller, spv_platform  # noqa: F401  (fixtures)

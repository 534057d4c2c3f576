"""Procurement fixtures: the ANAF double, an authorized tenant (shared with the sales SPV tests), gateways."""

from tests.apps.sales.spv.conftest import anaf, seller, spv_platform  # noqa: F401  (fixtures)
from tests.web.conftest import backend, base_settings, make_gateway, make_platform  # noqa: F401  (fixtures)

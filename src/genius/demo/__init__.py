"""Demo data: three months of a Romanian firm's activity, made through the apps' own services.

``seed_demo(platform, slug, today=..., seed=..., settle=..., double=...)`` (``seed``) fills a
tenant: partners (``identities``), products (``catalog``), the sales plan (``plan``), BNR rates
(``rates``), submissions to and supplier invoices from the ANAF double (``submit``, ``anaf``),
then the accounting demo data (``accounting``, written beside this package). ``settle`` waits
for the bus (``settle.BusWatch``). Entry points: ``genius demo`` and ``genius serve`` (first
start of the demo tenant). Nothing outside the entry points imports this package.
"""

from genius.demo.seed import DemoSeedIncomplete, DemoSize, DemoTenantNotEmpty, read_marker, seed_demo
from genius.demo.summary import DemoSummary

__all__ = ["DemoSeedIncomplete", "DemoSize", "DemoSummary", "DemoTenantNotEmpty", "read_marker", "seed_demo"]

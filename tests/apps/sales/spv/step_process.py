"""One ``anaf.efactura`` submit step in a process of its own, for the kill tests.

    python -m tests.apps.sales.spv.step_process '<json>'

The JSON names the settings (as ``Anaf.settings`` builds them), the tenant, the invoice, the job
id and a clock offset in seconds (to step past the SPV list's lag). The engine is the worker's own
(``anaf_efactura.submission_engine``); ``GENIUS_CRASH_AT`` in the environment kills the process
at that point with SIGKILL. Prints the outcome as JSON on the last line.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from genius.apps.sales.spv.oauth import AnafAccess
from genius.bootstrap import build_platform
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import TenantContext
from genius.workers import anaf_efactura
from tests.web.conftest import base_settings


def main(raw: str) -> None:
    spec = json.loads(raw)
    settings = dict(spec["settings"])
    settings["data_dir"] = Path(settings["data_dir"])
    platform = build_platform(base_settings(**settings))
    offset = timedelta(seconds=float(spec.get("clock_offset", 0)))
    tenant = TenantContext(tenant_id=spec["tenant_id"], slug=spec["slug"], system=True)
    job = JobContext(job_id=spec["job_id"], tag=anaf_efactura.TAG, tenant=tenant)
    access = AnafAccess.of(platform)
    clients = access.clients(tenant)
    try:
        engine = anaf_efactura.submission_engine(
            platform,
            job,
            clients.efactura,
            access.cui_of(tenant.slug),
            clock=lambda: datetime.now(UTC) + offset,
        )
        outcome = engine.run(spec["invoice_id"])
    finally:
        clients.close()
        platform.close()
    attempt = outcome.attempt
    print(json.dumps({"outcome": outcome.outcome, "state": attempt.state.value if attempt else None}))


if __name__ == "__main__":
    main(sys.argv[1])

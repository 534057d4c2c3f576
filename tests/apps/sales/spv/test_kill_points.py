"""Kill the submission worker at every step (SIGKILL in a subprocess), restart it: one upload, right end.

Each case issues an invoice, runs the worker's submit step in its own process with
``GENIUS_CRASH_AT`` naming the point, checks the process died by SIGKILL and what was committed,
then runs the step again without the variable (same job id: the redelivered job). The ANAF double
runs over real HTTP in this process; its upload table is the ground truth of what reached ANAF:
exactly one upload per invoice, and the invoice ends accepted with its ZIP archived once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from genius.apps.sales.spv import records
from genius.apps.sales.spv.crashpoints import ENV, POINTS
from genius.kernel.ids import new_id
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import Anaf, attempts, invoice_status, issue, start_submission

ROOT = Path(__file__).resolve().parents[4]
LAG_PASSED = 21 * 60  # seconds: past the SPV list's lag (reconcile.LIST_LAG, 20 minutes)


def step(
    anaf: Anaf,
    world: World,
    invoice_id: str,
    job_id: str,
    *,
    crash_at: str | None = None,
    clock_offset: float = 0,
    process: str = "tests.apps.sales.spv.step_process",
) -> subprocess.CompletedProcess[str]:
    """The submit step of ``invoice_id`` as job ``job_id``, run by the module ``process``."""
    settings: dict[str, Any] = anaf.settings(world.platform.settings.data_dir)
    settings["data_dir"] = str(settings["data_dir"])
    spec = {
        "settings": settings,
        "slug": world.tenant.slug,
        "tenant_id": world.tenant.id,
        "invoice_id": invoice_id,
        "job_id": job_id,
        "clock_offset": clock_offset,
    }
    env = {k: v for k, v in os.environ.items() if k != ENV and not k.startswith("GENIUS_")}
    if crash_at:
        env[ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-m", process, json.dumps(spec)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def outcome(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def killed(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr[-3000:])


def archived_once(world: World, invoice_id: str) -> None:
    with world.engine().connect() as conn:
        archives = records.archives_of(conn, invoice_id)
    assert [a.verdict for a in archives] == ["accepted"]
    keys = [o.key for o in world.platform.storage.list(world.tenant.slug, f"sales/efactura/{invoice_id}/")]
    assert keys == [archives[0].storage_key]


def test_every_kill_point_is_named() -> None:
    assert POINTS == ("before_upload", "after_upload", "after_index", "during_download")


@pytest.mark.slow
def test_killed_before_the_upload_waits_for_the_list_then_uploads_once(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = new_id()
    killed(step(anaf, seller, invoice_id, job_id, crash_at="before_upload"))
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["uploading"]
    assert anaf.uploads_of(number) == []
    # Restarted at once: nothing in the SPV list, but the list may lag, so no upload yet.
    assert outcome(step(anaf, seller, invoice_id, job_id)) == {
        "outcome": "waiting",
        "state": "outcome_unknown",
    }
    assert anaf.uploads_of(number) == [] and invoice_status(seller, invoice_id) == "submitted"
    # Past the lag the list would show a filed invoice: it was never filed, so it goes now.
    assert outcome(step(anaf, seller, invoice_id, job_id, clock_offset=LAG_PASSED)) == {
        "outcome": "accepted",
        "state": "accepted",
    }
    assert len(anaf.uploads_of(number)) == 1
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["failed", "accepted"]
    assert invoice_status(seller, invoice_id) == "accepted"
    archived_once(seller, invoice_id)


@pytest.mark.slow
def test_killed_after_the_upload_before_the_index_is_recorded_reconciles(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = new_id()
    killed(step(anaf, seller, invoice_id, job_id, crash_at="after_upload"))
    [upload] = anaf.uploads_of(number)  # it reached ANAF
    [attempt] = attempts(seller, invoice_id)
    assert attempt.state.value == "uploading" and attempt.upload_index is None
    assert outcome(step(anaf, seller, invoice_id, job_id)) == {"outcome": "accepted", "state": "accepted"}
    assert anaf.uploads_of(number) == [upload]  # found in the list, not sent again
    [attempt] = attempts(seller, invoice_id)
    assert (attempt.upload_index, attempt.download_id) == (upload.index, upload.download_id)
    archived_once(seller, invoice_id)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after_index", "during_download"])
def test_killed_after_the_index_polls_and_settles_without_uploading_again(
    seller: World, anaf: Anaf, point: str
) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = new_id()
    killed(step(anaf, seller, invoice_id, job_id, crash_at=point))
    [upload] = anaf.uploads_of(number)
    [attempt] = attempts(seller, invoice_id)
    assert attempt.state.value == "uploaded" and attempt.upload_index == upload.index
    assert invoice_status(seller, invoice_id) == "submitted"
    assert outcome(step(anaf, seller, invoice_id, job_id)) == {"outcome": "accepted", "state": "accepted"}
    assert anaf.uploads_of(number) == [upload]
    # Killed during the download: ANAF served the ZIP twice (before the kill and after); else once.
    assert anaf.double.calls["descarcare"] == (2 if point == "during_download" else 1)
    assert [a.state.value for a in attempts(seller, invoice_id)] == ["accepted"]
    archived_once(seller, invoice_id)

"""Killed between "archive stored" and "verdict recorded": the restart settles once, from storage.

The submit step runs in its own process (``step_after_archive``), which dies by SIGKILL right
after ANAF's ZIP is stored and before the archive row and the verdict commit. Restarted with the
same job id (the redelivered job, ``step_process``), the engine finds the ZIP in storage and
settles from it: no second download, one archive row, one stored object, one verdict event.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import sqlalchemy as sa

from genius.apps.sales.spv import records
from genius.integrations.anaf import ProcessingState
from genius.kernel.ids import new_id
from genius.platform.bus.tables import outbox
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import Anaf, attempts, invoice_status, issue, start_submission
from tests.apps.sales.spv.test_kill_points import archived_once, killed, outcome, step

NOK = "[BR-RO-065]-Codul postal al cumparatorului este invalid #Buyer post code is invalid"


def step_killed_after_archive(
    anaf: Anaf, world: World, invoice_id: str, job_id: str
) -> subprocess.CompletedProcess[str]:
    return step(anaf, world, invoice_id, job_id, process="tests.apps.sales.spv.step_after_archive")


def stored_objects(world: World, invoice_id: str) -> list[str]:
    return [o.key for o in world.platform.storage.list(world.tenant.slug, f"sales/efactura/{invoice_id}/")]


def verdict_events(world: World, invoice_id: str) -> list[str]:
    with world.engine().connect() as conn:
        rows = conn.execute(
            sa.select(outbox.c.type, outbox.c.body).where(
                outbox.c.type.in_(["sales.invoice.efactura_accepted", "sales.invoice.efactura_rejected"])
            )
        ).all()
    return [t for t, body in rows if json.loads(body)["data"]["invoice_id"] == invoice_id]


@pytest.mark.slow
def test_killed_after_the_archive_is_stored_settles_once_from_storage(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = new_id()
    killed(step_killed_after_archive(anaf, seller, invoice_id, job_id))
    [upload] = anaf.uploads_of(number)
    assert anaf.double.calls["descarcare"] == 1
    # The ZIP is stored; the database knows nothing of it yet.
    [key] = stored_objects(seller, invoice_id)
    with seller.engine().connect() as conn:
        assert records.archives_of(conn, invoice_id) == []
    [attempt] = attempts(seller, invoice_id)
    assert (
        attempt.state.value in ("uploaded", "processing")
        and invoice_status(seller, invoice_id) == "submitted"
    )
    assert verdict_events(seller, invoice_id) == []

    assert outcome(step(anaf, seller, invoice_id, job_id)) == {"outcome": "accepted", "state": "accepted"}
    assert anaf.double.calls["descarcare"] == 1  # settled from the stored ZIP, not downloaded again
    assert anaf.uploads_of(number) == [upload]
    archived_once(seller, invoice_id)
    assert stored_objects(seller, invoice_id) == [key]
    assert invoice_status(seller, invoice_id) == "accepted"
    assert verdict_events(seller, invoice_id) == ["sales.invoice.efactura_accepted"]


@pytest.mark.slow
def test_a_rejection_killed_after_its_archive_keeps_anafs_messages(seller: World, anaf: Anaf) -> None:
    anaf.double.spv._judge = lambda *a, **k: (ProcessingState.NOK, [NOK])  # type: ignore[method-assign]
    invoice_id, _number = issue(seller)
    start_submission(seller, invoice_id)
    job_id = new_id()
    killed(step_killed_after_archive(anaf, seller, invoice_id, job_id))
    assert len(stored_objects(seller, invoice_id)) == 1 and verdict_events(seller, invoice_id) == []

    assert outcome(step(anaf, seller, invoice_id, job_id)) == {"outcome": "rejected", "state": "rejected"}
    assert anaf.double.calls["descarcare"] == 1
    [attempt] = attempts(seller, invoice_id)
    # The messages come from the stored error document, read back after the restart.
    assert attempt.messages == (
        "BR-RO-065: Codul postal al cumparatorului este invalid #Buyer post code is invalid",
    )
    with seller.engine().connect() as conn:
        assert [a.verdict for a in records.archives_of(conn, invoice_id)] == ["rejected"]
    assert verdict_events(seller, invoice_id) == ["sales.invoice.efactura_rejected"]
    assert invoice_status(seller, invoice_id) == "rejected"

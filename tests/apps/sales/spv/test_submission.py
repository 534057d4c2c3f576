"""The submission engine against the ANAF double over real HTTP: happy paths and fault injection."""

from __future__ import annotations

from genius.apps.sales.spv import records
from tests.apps.sales.conftest import World
from tests.apps.sales.spv.conftest import (
    Anaf,
    attempts,
    invoice_status,
    issue,
    run_job,
    start_submission,
)


def test_an_invoice_is_uploaded_once_polled_archived_and_accepted(seller: World, anaf: Anaf) -> None:
    invoice_id, number = issue(seller)
    start_submission(seller, invoice_id)
    done = run_job(seller, invoice_id)
    assert done.outcome == "accepted", done
    [upload] = anaf.uploads_of(number)
    [attempt] = attempts(seller, invoice_id)
    assert attempt.state.value == "accepted" and attempt.upload_index == upload.index
    assert attempt.download_id == upload.download_id and not attempt.b2c
    assert invoice_status(seller, invoice_id) == "accepted"
    with seller.engine().connect() as conn:
        [archive] = records.archives_of(conn, invoice_id)
    data = seller.platform.storage.get(seller.tenant.slug, archive.storage_key)
    assert data[:2] == b"PK" and archive.verdict == "accepted"

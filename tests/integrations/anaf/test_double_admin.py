"""The double's admin endpoints over HTTP: config, calls, uploads, faults (bound to one double each)."""

from __future__ import annotations

import httpx

from tests.integrations.anaf.conftest import SELLER, Sandbox, example_xml


def test_config_calls_uploads_and_faults_answer_for_this_double(sandbox: Sandbox) -> None:
    base = f"{sandbox.base_url}/_double"
    config = httpx.post(f"{base}/config", json={"processing_seconds": 0, "page_size": 7, "certificate": True})
    assert config.json() == {"processing_seconds": 0.0, "page_size": 7, "certificate": True}
    assert sandbox.double.spv.page_size == 7
    assert httpx.get(f"{base}/uploads").json() == []
    with sandbox.efactura() as client:
        client.upload(example_xml("domestic-21-11"), cif=SELLER)
    [upload] = httpx.get(f"{base}/uploads").json()
    assert upload["cif"] == SELLER and upload["standard"] == "UBL" and upload["verdict"] == "ok"
    assert sum(httpx.get(f"{base}/calls").json().values()) >= 1
    added = httpx.post(f"{base}/faults", json={"kind": "firewall", "target": "stareMesaj"})
    assert added.status_code == 201 and added.json()["target"] == "stareMesaj"
    assert httpx.post(f"{base}/faults", json={"kind": "no-such-fault"}).status_code == 400
    assert httpx.delete(f"{base}/faults").json() == {"faults": 0}

"""`genius serve` end to end: first start makes the demo tenant and prints the admin's password;
a real client signs in with it and calls an authenticated route; a second start reuses the data."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.web.served import STOPPED_BY_CTRL_C, Served, serve_env  # noqa: F401  (the fixture)


@pytest.mark.slow
def test_serve_from_scratch_then_again(serve_env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    demo = serve_env["GENIUS_DEMO_TENANT"]
    first = Served(serve_env, tmp_path)
    try:
        email = first.wait_for(r"admin login:\s+(\S+)").group(1)
        password = first.wait_for(r"password:\s+(\S+)").group(1)
        url = first.wait_for(r"serving on (http://\S+)").group(1)
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/readyz").status_code == 200
            grant = {"grant_type": "password", "tenant": demo, "username": email, "password": password}
            token = client.post("/api/v1/auth/token", json=grant).json()["access_token"]
            me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200 and me.json()["tenant"] == demo
            assert len(me.headers["x-trace-id"]) == 32
    finally:
        assert first.stop() in STOPPED_BY_CTRL_C, "\n".join(first.lines)

    second = Served(serve_env, tmp_path)
    try:
        second.wait_for(rf"demo tenant '{demo}' exists")
        url = second.wait_for(r"serving on (http://\S+)").group(1)
        assert not any(re.match(r"\s+password:\s", line) for line in second.lines), second.lines
        with httpx.Client(base_url=url, timeout=10) as client:
            grant = {"grant_type": "password", "tenant": demo, "username": email, "password": password}
            response = client.post("/api/v1/auth/token", json=grant)
            assert response.status_code == 200, response.text  # the same admin, from the kept data
    finally:
        assert second.stop() in STOPPED_BY_CTRL_C, "\n".join(second.lines)

"""Configuration layering end to end: code default < genius.toml < env < secret file < runtime DB."""

from __future__ import annotations

from pathlib import Path

import pytest

from genius.bootstrap import build_platform
from genius.platform.runtime_settings import effective_rate_limits
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext

KEY = "access_token_ttl_seconds"
MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


def test_each_layer_overrides_the_one_below(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GENIUS_ACCESS_TOKEN_TTL_SECONDS", "GENIUS_RATE_LIMIT__USER_BURST", "GENIUS_DATABASE_URL",
                 "GENIUS_VAULT_ADDR", "GENIUS_DATA_DIR"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    toml = tmp_path / "genius.toml"
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    monkeypatch.setenv("GENIUS_CONFIG_FILE", str(toml))
    monkeypatch.setenv("GENIUS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)

    # 1. The default in code.
    assert Settings().access_token_ttl_seconds == 15 * 60
    # 2. genius.toml (the file named by GENIUS_CONFIG_FILE).
    toml.write_text(
        f'data_dir = "{tmp_path / "data"}"\n{KEY} = 1000\n\n'
        "[rate_limit]\nuser_burst = 11\ntenant_burst = 401\n"
    )
    assert Settings().access_token_ttl_seconds == 1000
    # 3. The environment.
    monkeypatch.setenv("GENIUS_ACCESS_TOKEN_TTL_SECONDS", "2000")
    monkeypatch.setenv("GENIUS_RATE_LIMIT__USER_BURST", "12")
    assert Settings().access_token_ttl_seconds == 2000
    # 4. A secret file (Docker/Kubernetes style: one file per field, named with the env prefix).
    (secrets / f"genius_{KEY}").write_text("3000\n")
    settings = Settings()
    assert settings.access_token_ttl_seconds == 3000
    assert (settings.rate_limit.user_burst, settings.rate_limit.tenant_burst) == (12, 401)
    assert settings.data_dir == tmp_path / "data"  # the toml's other values still apply

    # 5. Runtime settings in the control-plane database: installation-wide, then the tenant's own.
    platform = build_platform(settings)
    try:
        acme = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
        beta = platform.tenants.create("beta", name="Beta SRL", cui="14399840")
        admin = TenantContext(acme.id, acme.slug, user_id="admin-1", roles=("admin",))
        runtime = platform.runtime_settings
        assert (runtime.value(KEY, acme.id), runtime.effective(KEY, acme.id).source) == (3000, "settings")
        runtime.put(admin, KEY, 4000, scope="installation")
        assert (runtime.value(KEY, acme.id), runtime.value(KEY, beta.id)) == (4000, 4000)
        runtime.put(admin, KEY, 5000)
        assert (runtime.value(KEY, acme.id), runtime.value(KEY, beta.id)) == (5000, 4000)
        # Rate limits, field by field: DB (tenant) > env > toml > code.
        runtime.put(admin, "rate_limit.user_rate", 9.5)
        limits = effective_rate_limits(acme.id)
        assert (limits.user_rate, limits.user_burst, limits.tenant_burst, limits.tenant_rate) == (
            9.5,
            12,
            401,
            200.0,
        )
    finally:
        platform.close()

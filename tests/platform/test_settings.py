"""Configuration layering end to end: code default < genius.toml < env < secret file < runtime DB."""

from __future__ import annotations

from pathlib import Path

import pytest

from genius.bootstrap import build_platform
from genius.platform.runtime_settings import effective_rate_limits
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext
from tests.platforms import MASTER_KEY

KEY = "rate_limit.user_burst"


def test_each_layer_overrides_the_one_below(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GENIUS_RATE_LIMIT__USER_BURST", "GENIUS_RATE_LIMIT__USER_RATE", "GENIUS_RATE_LIMIT",
                 "GENIUS_DATABASE_URL", "GENIUS_VAULT_ADDR", "GENIUS_DATA_DIR"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    toml = tmp_path / "genius.toml"
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    monkeypatch.setenv("GENIUS_CONFIG_FILE", str(toml))
    monkeypatch.setenv("GENIUS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)

    # 1. The default in code.
    assert Settings().rate_limit.user_burst == 100
    # 2. genius.toml (the file named by GENIUS_CONFIG_FILE).
    toml.write_text(
        f'data_dir = "{tmp_path / "data"}"\n\n'
        "[rate_limit]\nuser_burst = 11\nuser_rate = 5.0\ntenant_burst = 401\n"
    )
    assert Settings().rate_limit.user_burst == 11
    # 3. The environment (nested fields with "__").
    monkeypatch.setenv("GENIUS_RATE_LIMIT__USER_BURST", "12")
    monkeypatch.setenv("GENIUS_RATE_LIMIT__USER_RATE", "6.0")
    assert Settings().rate_limit.user_burst == 12
    # 4. A secret file (Docker/Kubernetes style: one file per field, named with the env prefix;
    #    a nested field's file holds JSON and is merged with the layers below).
    (secrets / "genius_rate_limit").write_text('{"user_burst": 13}\n')
    settings = Settings()
    limits = settings.rate_limit
    assert (limits.user_burst, limits.user_rate, limits.tenant_burst, limits.tenant_rate) == (
        13,
        6.0,
        401,
        200.0,
    )
    assert settings.data_dir == tmp_path / "data"  # the toml's other values still apply

    # 5. Runtime settings in the control-plane database: installation-wide, then the tenant's own.
    platform = build_platform(settings)
    try:
        acme = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
        beta = platform.tenants.create("beta", name="Beta SRL", cui="14399840")
        admin = TenantContext(acme.id, acme.slug, user_id="admin-1", roles=("admin",))
        runtime = platform.runtime_settings
        assert (runtime.value(KEY, acme.id), runtime.effective(KEY, acme.id).source) == (13, "settings")
        runtime.put(admin, KEY, 14, scope="installation")
        assert (runtime.value(KEY, acme.id), runtime.value(KEY, beta.id)) == (14, 14)
        runtime.put(admin, KEY, 15)
        assert (runtime.value(KEY, acme.id), runtime.value(KEY, beta.id)) == (15, 14)
        # What the gateway's rate limiter reads: every field from its own highest layer.
        runtime.put(admin, "rate_limit.user_rate", 9.5)
        acme_limits, beta_limits = effective_rate_limits(acme.id), effective_rate_limits(beta.id)
        assert (acme_limits.user_burst, acme_limits.user_rate, acme_limits.tenant_burst) == (15, 9.5, 401)
        assert (beta_limits.user_burst, beta_limits.user_rate, beta_limits.tenant_rate) == (14, 6.0, 200.0)
    finally:
        platform.close()

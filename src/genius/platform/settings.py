"""Process settings, layered: code defaults < genius.toml < GENIUS_* environment < secrets.

Secrets come last and win: from the environment, from files in ``GENIUS_SECRETS_DIR`` (one file per
field, Docker/Kubernetes style) and, when ``GENIUS_VAULT_ADDR`` is set, from HashiCorp Vault KV v2.
Runtime settings that an administrator may change without a restart (rate limits, feature flags)
sit on top of these in the control-plane database: see ``genius.platform.runtime_settings``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# Fields whose values are secrets: masked by `genius config show` and read from Vault when set.
SECRET_FIELDS = ("master_key", "database_url", "redis_url", "amqp_url", "vault_token", "anaf_client_secret")


class RateLimitSettings(BaseModel):
    """Token bucket per tenant and per user: ``rate`` tokens per second, at most ``burst`` stored."""

    tenant_rate: float = 200.0
    tenant_burst: int = 400
    user_rate: float = 50.0
    user_burst: int = 100
    # Failed logins per (tenant, username) and per client IP: a slow bucket against guessing.
    login_failures_per_minute: int = 5


class Settings(BaseSettings):
    """Everything a process needs to start; see the module docstring for the layering."""

    model_config = SettingsConfigDict(
        env_prefix="GENIUS_",
        env_nested_delimiter="__",
        toml_file="genius.toml",
        extra="ignore",
    )

    environment: str = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    # Control plane on PostgreSQL when set; tenants then get their own `<slug>_core` databases.
    database_url: SecretStr | None = None
    # More PostgreSQL clusters tenants can be placed on, by name; "default" is database_url.
    clusters: dict[str, SecretStr] = Field(default_factory=dict)
    redis_url: SecretStr | None = None
    amqp_url: SecretStr | None = None
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    log_json: bool = True
    # Root key that wraps per-tenant keys (signing keys, field encryption). 32 bytes, base64.
    master_key: SecretStr | None = None
    # Open ``<tenant file>-writer`` descriptors (the SQLite writers' cross-process turn) each process
    # keeps, most recently written first; raise it for many tenants written at once (fd limit).
    sqlite_writer_turn_files: int = Field(default=128, ge=1)
    # Tenant database engines each process keeps open, most recently used first (the least recently
    # used idle one is disposed beyond it). Each has its own pool: on PostgreSQL up to 30 connections,
    # so processes x tenant_engines x 30 must stay under the server's max_connections.
    tenant_engines: int = Field(default=64, ge=1)  # tenancy.TENANT_ENGINES
    max_body_bytes: int = 10 * 1024 * 1024
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # A rotated signing key still verifies tokens for this long (>= access token lifetime).
    signing_key_grace_seconds: int = 24 * 3600
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    demo_tenant: str = "demo"
    # `genius serve` seeds the demo tenant with three months of demo data on first start (only
    # while e-Factura goes to the embedded ANAF double); false leaves it empty (benchmarks, tests).
    demo_data: bool = True
    secrets_dir: Path | None = None
    vault_addr: str | None = None
    vault_token: SecretStr | None = None
    vault_mount: str = "secret"
    vault_path: str = "genius"
    # ANAF (genius.integrations.anaf): "test" or "prod" selects the path on anaf_api_url; the OAuth
    # profile (client id/secret, callback) is the one the firm registered in ANAF's portal.
    anaf_environment: str = "test"
    anaf_api_url: str = "https://api.anaf.ro"
    anaf_oauth_url: str = "https://logincert.anaf.ro/anaf-oauth2/v1"
    anaf_public_url: str = "https://webservicesp.anaf.ro"
    anaf_client_id: str = ""
    anaf_client_secret: SecretStr | None = None
    anaf_redirect_uri: str = ""
    anaf_timeout_seconds: float = 30.0
    # ANAF often answers an upload after more than 10 s; a short timeout files invoices twice.
    anaf_upload_timeout_seconds: float = 90.0
    anaf_token_refresh_days: int = 10  # refresh the 90-day access token this long before it expires
    anaf_token_warn_days: int = 30  # warn this long before the refresh token needs the certificate again
    bnr_url: str = "https://www.bnr.ro"
    # Sales SPV side (genius.apps.sales.spv): cache of VAT registry answers, polling and schedules.
    anaf_taxpayer_cache_hours: float = 24.0  # a registry answer younger than this is served from cache
    spv_poll_budget_seconds: float = 120.0  # stareMesaj polling in one job before the sweep takes over
    spv_resume_every_minutes: float = 5.0  # sweep: carry on submissions still in flight
    spv_inbound_every_minutes: float = 60.0  # list received invoices (filter P) and register them
    anaf_token_check_every_hours: float = 6.0  # refresh ANAF grants that are due
    bnr_import_every_hours: float = 6.0  # fetch BNR's daily rates (published ~13:00 Bucharest time)
    spv_mail_every_seconds: float = 15.0  # queue e-mails whose invoice PDF is now rendered

    @field_validator("port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError("port must be between 1 and 65535")
        return value

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win. Secrets (Vault, then secret files) outrank the environment, which
        # outranks genius.toml, which outranks the defaults in code.
        sources: list[PydanticBaseSettingsSource] = [init_settings]
        if os.environ.get("GENIUS_VAULT_ADDR"):
            sources.append(VaultSettingsSource(settings_cls))
        secrets_dir = os.environ.get("GENIUS_SECRETS_DIR")
        if secrets_dir:
            sources.append(SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir))
        toml_path = Path(os.environ.get("GENIUS_CONFIG_FILE", "genius.toml"))
        sources += [env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_path)]
        return tuple(sources)


class VaultSettingsSource(PydanticBaseSettingsSource):
    """Reads secret fields from HashiCorp Vault KV v2 at ``<mount>/<path>`` (hvac)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._values: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._values is None:
            import hvac  # imported only when Vault is configured

            client = hvac.Client(
                url=os.environ["GENIUS_VAULT_ADDR"], token=os.environ.get("GENIUS_VAULT_TOKEN")
            )
            secret = client.secrets.kv.v2.read_secret_version(
                path=os.environ.get("GENIUS_VAULT_PATH", "genius"),
                mount_point=os.environ.get("GENIUS_VAULT_MOUNT", "secret"),
                raise_on_deleted_version=True,
            )
            data = secret["data"]["data"]
            self._values = {k: v for k, v in data.items() if k in SECRET_FIELDS}
        return self._values

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._load().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._load())


def masked(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data with every secret replaced by ``***``."""
    data = settings.model_dump(mode="json")
    for name in SECRET_FIELDS:
        if data.get(name):
            data[name] = "***"
    return data


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

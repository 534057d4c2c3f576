"""The composition root: reads settings and picks real or local adapters for every port.

Nothing imports this module except entry points (web, cli, workers). Each platform area adds
its service to ``Platform`` here, built from settings, so tests can build the same graph with
their own settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from genius.apps.accounting import ACCOUNTING_COMPONENT
from genius.apps.accounting.assets import ASSETS_COMPONENT
from genius.apps.accounting.bank import BANK_COMPONENT
from genius.apps.accounting.cash import CASH_COMPONENT
from genius.apps.procurement import PROCUREMENT_COMPONENT
from genius.apps.sales import SALES_COMPONENT
from genius.apps.sales.spv import SPV_COMPONENT
from genius.integrations.anaf import ANAF_COMPONENT, AnafLimiter, build_limiter
from genius.integrations.smtp.senders import MAIL_COMPONENT
from genius.platform import flags as feature_flags
from genius.platform import resilience
from genius.platform import runtime_settings as runtime_layer
from genius.platform.audit import AUDIT_COMPONENT, AuditTrail
from genius.platform.auth import AuthService
from genius.platform.bus import BUS_COMPONENT, Consumer
from genius.platform.bus.service import Bus, make_transport
from genius.platform.crypto import decode_key, load_or_create_key_file
from genius.platform.db.engine import limit_writer_turn_files, make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, migrations_folder, upgrade
from genius.platform.jobs import JOBS_COMPONENT
from genius.platform.settings import Settings, get_settings
from genius.platform.storage import ObjectStore
from genius.platform.storage import store_from_settings as storage_from_settings
from genius.platform.tenancy import DEFAULT_CLUSTER, TenantDatabases, TenantRegistry

CONTROL_COMPONENT = MigrationComponent(
    name="control",
    schema="control",
    script_location=migrations_folder(__import__("genius.platform.db", fromlist=["x"]).__file__) / "control",
)


def tenant_components() -> list[MigrationComponent]:
    """Every component with tables in a tenant database, in migration order."""
    return [
        AUDIT_COMPONENT,
        BUS_COMPONENT,
        ANAF_COMPONENT,
        MAIL_COMPONENT,
        JOBS_COMPONENT,
        SALES_COMPONENT,
        ACCOUNTING_COMPONENT,
        BANK_COMPONENT,
        ASSETS_COMPONENT,
        CASH_COMPONENT,
        SPV_COMPONENT,
        PROCUREMENT_COMPONENT,
    ]


@dataclass
class Platform:
    """The services of one process, wired from settings."""

    settings: Settings
    control: Engine
    databases: TenantDatabases
    tenants: TenantRegistry
    master_key: bytes
    audit: AuditTrail
    auth: AuthService
    flags: feature_flags.FeatureFlags
    runtime_settings: runtime_layer.RuntimeSettings
    bus: Bus
    storage: ObjectStore
    # ANAF's published limits, counted once for the installation (Redis when configured).
    anaf_limiter: AnafLimiter
    extras: dict[str, object] = field(default_factory=dict)

    def close(self) -> None:
        self.auth.close()
        self.databases.dispose()
        self.control.dispose()


def resolve_data_dir(settings: Settings) -> Path:
    path = settings.data_dir.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_platform(settings: Settings | None = None, *, migrate_control: bool = True) -> Platform:
    settings = settings or get_settings()
    data_dir = resolve_data_dir(settings)
    limit_writer_turn_files(settings.sqlite_writer_turn_files)
    if settings.database_url is not None:
        control_url = settings.database_url.get_secret_value()
    else:
        control_url = str(sqlite_url(data_dir / "control.db"))
    control = make_engine(control_url, schemas=[CONTROL_COMPONENT.schema])
    if migrate_control:
        upgrade(control, [CONTROL_COMPONENT])
    clusters = {name: dsn.get_secret_value() for name, dsn in settings.clusters.items()}
    if settings.database_url is not None:
        clusters.setdefault(DEFAULT_CLUSTER, settings.database_url.get_secret_value())
    databases = TenantDatabases(
        control,
        data_dir=data_dir,
        clusters=clusters,
        components=tenant_components(),
        max_engines=settings.tenant_engines,
    )
    if settings.master_key is not None:
        master_key = decode_key(settings.master_key.get_secret_value())
    else:
        master_key = load_or_create_key_file(data_dir / "master.key")
    tenants = TenantRegistry(databases)
    audit = AuditTrail(databases)
    flags = feature_flags.FeatureFlags(control, audit)
    runtime = runtime_layer.RuntimeSettings(control, settings, audit)
    # is_enabled() and effective_rate_limits() answer from the process's latest platform.
    feature_flags.use(flags)
    runtime_layer.use(runtime)
    # Breakers of every Resilient guard: shared through Redis when configured, else in process.
    resilience.use_store(resilience.store_from_settings(settings))
    return Platform(
        settings=settings,
        control=control,
        databases=databases,
        tenants=tenants,
        master_key=master_key,
        audit=audit,
        # Every denied authorization is written to the tenant's audit trail.
        auth=AuthService(settings, tenants, master_key, on_deny=audit.on_deny),
        flags=flags,
        runtime_settings=runtime,
        bus=Bus(make_transport(settings, data_dir), databases, tenants),
        storage=storage_from_settings(settings, data_dir),
        anaf_limiter=build_limiter(settings.redis_url.get_secret_value() if settings.redis_url else None),
    )


def subscriber_factories() -> list[Callable[..., Consumer]]:
    """Every app's event subscribers, as ``consumer(transport, databases, tenants) -> Consumer``.

    Entry points start them (``genius serve`` in-process); each consumer's durable queue keeps
    its events while it is down, and its inbox makes redelivery harmless.
    """
    from genius.apps.accounting import subscriptions as postings
    from genius.apps.accounting.bank import subscriptions as open_items
    from genius.workers.anaf_saft import saft_consumer  # accounting.saft with the sales port wired

    return [postings.consumer, open_items.consumer, saft_consumer]


@asynccontextmanager
async def running_subscribers(
    platform: Platform, *, select: Callable[[str], bool] | None = None, grace: float = 10.0
) -> AsyncIterator[list[Consumer]]:
    """Start every app subscriber (or those whose name ``select`` accepts) on the platform's bus for
    the duration of the block; at its end in-flight events get ``grace`` seconds, the rest go back."""
    transport = platform.bus.transport
    await transport.start()
    consumers = [
        factory(transport, platform.databases, platform.bus.tenant_resolver)
        for factory in subscriber_factories()
    ]
    started: list[Consumer] = []
    try:
        for consumer in consumers:
            if select is None or select(consumer.name):
                await consumer.start()
                started.append(consumer)
        yield started
    finally:
        await asyncio.gather(*(c.stop(grace) for c in started))

"""What the long-running CLI processes (`genius worker`, `genius subscribers`) share: their platform
(logging configured, tenants migrated, closed at exit) and their stop signal (SIGTERM/SIGINT)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genius.bootstrap import Platform


@contextmanager
def service_platform() -> Iterator[Platform]:
    """The process's platform with its logging configured, closed at the end; a ``GeniusError``
    raised inside leaves as the CLI's one-line failure (exit 1)."""
    from genius.bootstrap import build_platform
    from genius.kernel.errors import GeniusError
    from genius.platform.observability.logs import configure_logging

    from .tenant import fail

    platform = build_platform()
    configure_logging(platform.settings.log_level, json_output=platform.settings.log_json)
    try:
        yield platform
    except GeniusError as exc:
        raise fail(exc) from None
    finally:
        platform.close()


def migrate_tenants(platform: Platform) -> None:
    """Every tenant's database brought to the code's schema before the process takes work."""
    for tenant in platform.tenants.list():
        platform.databases.migrate(tenant.slug)


def stop_on_signals() -> asyncio.Event:
    """An event SIGTERM or SIGINT sets; call it inside the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop

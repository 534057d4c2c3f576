"""What the long-running CLI processes share: their platform and their stop signal.

`genius worker` and `genius subscribers` run on ``service_platform`` (logging configured, closed
at exit, a ``GeniusError`` as the CLI's one-line failure), migrate every tenant before taking work,
and stop when SIGTERM or SIGINT sets ``stop_on_signals``' event.
"""

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
    """``command_platform`` with the process's logging configured (level and JSON from settings)."""
    from genius.platform.observability.logs import configure_logging

    from .tenant import command_platform

    with command_platform() as platform:
        configure_logging(platform.settings.log_level, json_output=platform.settings.log_json)
        yield platform


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

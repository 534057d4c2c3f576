"""The event bus: CloudEvents envelopes, transactional outbox, relay, inbox, local and RabbitMQ transports.

Public API (import from here)::

    Envelope, Catalogue, CATALOGUE, register, MessageType      the envelope and the type catalogue
    UnitOfWork (defined in genius.platform.db.uow)              a transaction + its outbox
    handle_once, handle_once_many, transactional, RegistryTenants   exactly-once effects
    Consumer, Unprocessable, Delivery, RetryPolicy, QueueSpec   the consumer runtime
    Relay                                                       outbox -> broker
    Transport, LocalTransport, RabbitTransport, make_transport  the two transports
    Bus (``platform.bus``: start/stop, relay(), consumer())     the wired service on ``Platform``

Names are loaded lazily (PEP 562) so that ``genius.platform.db.uow`` can import the outbox
without a circular import through ``handlers``.
"""

from __future__ import annotations

import importlib
from typing import Any

from genius.platform.db.migrate import MigrationComponent, migrations_folder

# The bus tables (outbox, inbox, relay lease) in every tenant database.
BUS_COMPONENT = MigrationComponent(name="bus", schema="bus", script_location=migrations_folder(__file__))

_EXPORTS = {
    "Envelope": "envelope",
    "EnvelopeError": "envelope",
    "CATALOGUE": "catalogue",
    "Catalogue": "catalogue",
    "MessageType": "catalogue",
    "MessageKind": "catalogue",
    "register": "catalogue",
    "discover": "catalogue",
    "handle_once": "inbox",
    "handle_once_many": "inbox",
    "transactional": "handlers",
    "RegistryTenants": "handlers",
    "Consumer": "consumer",
    "Unprocessable": "consumer",
    "Delivery": "transport",
    "DeadLetter": "transport",
    "Outgoing": "transport",
    "QueueSpec": "transport",
    "RetryPolicy": "transport",
    "Transport": "transport",
    "TransportError": "transport",
    "worker_queue": "transport",
    "Relay": "relay",
    "LocalTransport": "local",
    "RabbitTransport": "rabbit",
    "Bus": "service",
    "UnitOfWork": "genius.platform.db.uow",
    "make_transport": "service",
}

__all__ = sorted([*_EXPORTS, "BUS_COMPONENT"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'genius.platform.bus' has no attribute {name!r}")
    path = module if module.startswith("genius.") else f"genius.platform.bus.{module}"
    return getattr(importlib.import_module(path), name)

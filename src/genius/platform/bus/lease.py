"""The relay's lease row of a tenant database (``bus_relay_lease``): one relay publishes at a time.

A relay takes the lease when it is free or expired and renews it while it holds it; another relay
finds it taken and leaves the tenant alone until it expires (a relay that died) or is released (a
relay that stopped).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from genius.platform.bus.tables import relay_lease

LEASE_NAME = "relay"


def take(conn: Connection, holder: str, now: datetime, expires: datetime) -> bool:
    """Take or renew the lease for ``holder`` until ``expires``; False while another holds it."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(relay_lease)
    conn.execute(
        insert.values(name=LEASE_NAME, holder=holder, expires_at=expires).on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": holder, "expires_at": expires},
            where=sa.or_(relay_lease.c.holder == holder, relay_lease.c.expires_at < now),
        )
    )
    found = conn.execute(sa.select(relay_lease.c.holder).where(relay_lease.c.name == LEASE_NAME)).scalar()
    return bool(found == holder)


def release(conn: Connection, holder: str) -> None:
    """Give the lease up if ``holder`` has it."""
    conn.execute(relay_lease.delete().where(relay_lease.c.name == LEASE_NAME, relay_lease.c.holder == holder))

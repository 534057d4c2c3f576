"""The relay lease row: one holder at a time, renewed by its holder, free again when expired or released."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from genius.platform.bus import lease
from genius.platform.bus.tables import relay_lease
from genius.platform.db.engine import make_engine, sqlite_url

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_one_holder_until_expiry_or_release(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "tenant.db"), schemas=["bus"])
    relay_lease.metadata.create_all(engine, tables=[relay_lease])
    later = T0 + timedelta(seconds=15)
    with engine.begin() as conn:
        assert lease.take(conn, "a", T0, later)
        assert not lease.take(conn, "b", T0 + timedelta(seconds=1), later)  # a holds it
        assert lease.take(conn, "a", T0 + timedelta(seconds=5), later + timedelta(seconds=5))  # renewed
        assert lease.take(conn, "b", later + timedelta(seconds=6), later + timedelta(seconds=21))  # expired
        lease.release(conn, "a")  # not the holder: nothing happens
        assert not lease.take(conn, "a", later + timedelta(seconds=7), later + timedelta(seconds=22))
        lease.release(conn, "b")
        assert lease.take(conn, "a", later + timedelta(seconds=8), later + timedelta(seconds=23))
    engine.dispose()

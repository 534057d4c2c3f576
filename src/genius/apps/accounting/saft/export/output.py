"""The export's read snapshot and its output plumbing: hashing, chunking, progress."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection, Engine

from genius import __version__
from genius.apps.accounting.saft import masters
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.masters import TenantProfile
from genius.fiscal.ro.saft.model import (
    Header,
    Software,
)

ProgressSink = Callable[[int, str], None]


@contextlib.contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction: REPEATABLE READ on PostgreSQL, a deferred BEGIN (WAL snapshot) on SQLite."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


class Digest:
    """Passes bytes on to ``out`` in chunks of ``CHUNK`` while hashing and counting them.

    lxml writes a few kilobytes at a time; hashing, compressing and writing a megabyte at once
    costs fewer calls and lets those C routines release the GIL for the pre-validation thread.
    """

    CHUNK = 1 << 20

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._buffer = bytearray()
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            chunk = bytes(self._buffer)
            self._buffer.clear()
            self.hash.update(chunk)
            self.size += len(chunk)
            self._out.write(chunk)


class Progress:
    """Turns records done into a percentage between ``start`` and ``start + share``, reported on change."""

    def __init__(self, sink: ProgressSink | None, total: int, start: int, share: int, label: str) -> None:
        self.sink, self.total, self.start, self.share, self.label = sink, max(total, 1), start, share, label
        self.done = 0
        self._last = -1

    def tick(self, count: int) -> None:
        self.done += count
        percent = self.start + min(self.share, self.done * self.share // self.total)
        if percent != self._last and self.sink is not None:
            self._last = percent
            self.sink(percent, f"{self.label}: {self.done} of {self.total} records")


SOFTWARE = Software("Genius ERP", "Genius ERP", __version__)


def make_header(conn: Connection, profile: TenantProfile, period: ReportPeriod, created: date) -> Header:
    """The Header of ``period``'s D406 (``SaftSetupMissing`` names what the company still lacks)."""
    company, basis = masters.company(conn, profile)
    return Header(
        company=company,
        report_type=period.report_type,
        period_start=period.first,
        period_end=period.last,
        created=created,
        software=SOFTWARE,
        tax_accounting_basis=basis,
    )


def file_name(profile: TenantProfile, period: ReportPeriod) -> str:
    digits = "".join(ch for ch in profile.cui if ch.isdigit())
    return f"D406_{digits}_{period.label}.xml"

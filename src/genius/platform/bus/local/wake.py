"""Waking the local queue's consumers in other processes: an empty datagram to each one's socket.

A consumer in the publishing process is woken through its event (``LocalTransport._wake``); one in
another process (``genius subscribers`` beside ``genius serve --api-only``, no broker) found new
messages only by polling, 5 ms doubling to ``poll_seconds`` while its claims found nothing
(docs/benchmarks.md, event bus, session 5: slow events confirmed during such a wait had up to
76 ms of it left). Each subscription binds a Unix datagram socket in a folder beside the queue
file, named after its queue; a publish sends an empty datagram after its commit to the sockets of
the queues it wrote to (a consumer woken for nothing would claim: a write on the file). A datagram lost
(a full buffer: that consumer has wakes pending anyway) or a socket that could not be bound (no
Unix sockets, a path over the OS limit of ~107 bytes) costs only the poll, which stays as the
fallback; a socket left by a process that died is removed by the next publish that finds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import zlib
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

log = logging.getLogger("genius.bus.local")

SUFFIX = ".sock"
_numbers = itertools.count()  # socket names: <queue tag>.<pid>.<n><SUFFIX>, short (the path limit)


def _tag(queue: str) -> str:
    return f"{zlib.crc32(queue.encode()):08x}"


def wake_folder(queue_file: Path) -> Path:
    """Where the consumers of ``queue_file`` keep their wake sockets."""
    return queue_file.with_name(queue_file.name + ".wake")


class WakeSocket:
    """One subscription's socket for ``queue``: ``on_wake`` runs in ``loop`` when a datagram arrives."""

    def __init__(
        self, folder: Path, queue: str, loop: asyncio.AbstractEventLoop, on_wake: Callable[[], None]
    ) -> None:
        self._loop = loop
        self._on_wake = on_wake
        self.path: Path | None = None
        self._sock: socket.socket | None = None
        family = getattr(socket, "AF_UNIX", None)
        if family is None:
            return
        path = folder / f"{_tag(queue)}.{os.getpid()}.{next(_numbers)}{SUFFIX}"
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # left by a dead process whose pid this one now has
            sock.bind(str(path))
            loop.add_reader(sock.fileno(), self._read)
        except OSError as exc:
            sock.close()
            log.debug("no wake socket at %s (%r): the consumer polls", path, exc)
            return
        self.path, self._sock = path, sock

    def _read(self) -> None:
        assert self._sock is not None
        with contextlib.suppress(OSError):  # BlockingIOError once every pending datagram is read
            while True:
                self._sock.recv(16)
        self._on_wake()

    def close(self) -> None:
        if self._sock is None:
            return
        with contextlib.suppress(Exception):  # the loop may be closed already
            self._loop.remove_reader(self._sock.fileno())
        self._sock.close()
        self._sock = None
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def wake_consumers(folder: Path, queues: Iterable[str], skip: Collection[str] = ()) -> int:
    """Send an empty datagram to every socket in ``folder`` of a consumer of ``queues`` but those named
    in ``skip`` (the publisher's own consumers, woken through their events); returns how many."""
    family = getattr(socket, "AF_UNIX", None)
    tags = {_tag(q) for q in queues}
    if not tags:
        return 0
    try:
        with os.scandir(folder) as found:
            entries = [e for e in found if e.name[:8] in tags and e.name.endswith(SUFFIX)]
    except FileNotFoundError:
        return 0
    entries = [e for e in entries if e.name not in skip]
    if family is None or not entries:
        return 0
    sent = 0
    with socket.socket(family, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for entry in entries:
            try:
                sender.sendto(b"", entry.path)
                sent += 1
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)  # nobody listens: its process died
            except OSError:
                pass  # a full buffer: that consumer has wakes pending already
    return sent

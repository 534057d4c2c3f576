"""Faults the double can inject, per endpoint, to exercise every failure path of the clients.

Kinds: ``status`` (answer with an HTTP status: 500, 502, 503, 429, 204, 403...), ``slow`` (do
the work, then wait ``delay`` seconds before answering: with a delay beyond the client's
timeout this is the "upload timed out but was filed" trap), ``eroare`` (HTTP 200 carrying an
error: JSON ``eroare`` or XML ``Errors``), ``limit`` (the endpoint's own daily-limit answer),
``firewall`` (the "The requested URL was rejected" HTML page), ``nok`` (upload and
uploadb2c only: the file is filed with an index as usual, and ANAF's processing rejects it with
``message``, as its server-side checks do for faults no local validator can see: the state
becomes ``nok`` and the download holds the error document). ``target`` is an endpoint name
(``upload``, ``uploadb2c``, ``stareMesaj``, ``listaMesajeFactura``,
``listaMesajePaginatieFactura``, ``descarcare``, ``token``, ``authorize``, ``tva``) or ``*``;
``times`` how many requests it hits (-1: until cleared).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

ENDPOINTS = (
    "authorize",
    "token",
    "upload",
    "uploadb2c",
    "stareMesaj",
    "listaMesajeFactura",
    "listaMesajePaginatieFactura",
    "descarcare",
    "tva",
)


class FaultKind(StrEnum):
    STATUS = "status"
    SLOW = "slow"
    EROARE = "eroare"
    LIMIT = "limit"
    FIREWALL = "firewall"
    NOK = "nok"


@dataclass
class Fault:
    kind: FaultKind
    target: str = "*"
    times: int = 1
    status: int = 500
    delay: float = 0.0
    message: str = ""

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        if self.target != "*" and self.target not in ENDPOINTS:
            raise ValueError(f"fault target must be '*' or one of {ENDPOINTS}, got {self.target!r}")


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, endpoint: str) -> Fault | None:
        """The first fault aimed at ``endpoint``, used up by one (``times`` -1 never runs out)."""
        with self._lock:
            for fault in self._faults:
                if fault.target in ("*", endpoint) and fault.times != 0:
                    if fault.times > 0:
                        fault.times -= 1
                    return fault
            self._faults = [f for f in self._faults if f.times != 0]
            return None


__all__ = ["ENDPOINTS", "Fault", "FaultKind", "Faults"]

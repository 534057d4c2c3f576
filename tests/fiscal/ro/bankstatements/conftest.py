"""Sample statement files, hand-written in each bank's layout (tests/fiscal/ro/bankstatements/samples)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()

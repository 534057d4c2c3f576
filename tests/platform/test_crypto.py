"""AES-256-GCM sealing: round trip, tamper and context binding, master key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from genius.platform.crypto import (
    CryptoError,
    decode_key,
    derive_key,
    generate_key,
    load_or_create_key_file,
    open_sealed,
    seal,
)


def test_round_trip_and_fresh_nonce() -> None:
    key = generate_key()
    a, b = seal(key, b"secret", b"ctx"), seal(key, b"secret", b"ctx")
    assert a != b
    assert open_sealed(key, a, b"ctx") == b"secret"


@pytest.mark.parametrize("mutate", ["flip", "context", "key", "truncate"])
def test_tampering_is_detected(mutate: str) -> None:
    key = generate_key()
    sealed = seal(key, b"secret", b"tenant-a")
    aad = b"tenant-a"
    if mutate == "flip":
        sealed = sealed[:-1] + bytes([sealed[-1] ^ 1])
    elif mutate == "context":
        aad = b"tenant-b"
    elif mutate == "key":
        key = generate_key()
    else:
        sealed = sealed[:10]
    with pytest.raises(CryptoError):
        open_sealed(key, sealed, aad)


def test_derived_keys_differ_per_purpose() -> None:
    master = generate_key()
    assert derive_key(master, "a") != derive_key(master, "b")
    assert derive_key(master, "a") == derive_key(master, "a")


def test_key_file_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    first = load_or_create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key_file(path) == first


def test_bad_master_key_is_refused() -> None:
    with pytest.raises(CryptoError, match="32 bytes"):
        decode_key("c2hvcnQ=")

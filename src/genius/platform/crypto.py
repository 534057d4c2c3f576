"""Symmetric encryption with AES-256-GCM and the installation's master key.

Sealed values are ``version byte || 12-byte nonce || ciphertext+tag``; the associated data binds
a value to where it belongs (tenant and column), so a ciphertext moved elsewhere fails to open.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from genius.kernel.errors import GeniusError

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce size
FORMAT_VERSION = 1


class CryptoError(GeniusError):
    code = "crypto_error"


def generate_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError("master key: not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise CryptoError(f"master key: must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def load_or_create_key_file(path: Path) -> bytes:
    """The embedded default's master key: a 0600 file in the data folder, made on first start.

    Production sets ``GENIUS_MASTER_KEY`` (or Vault) instead; the file is only for a laptop.
    """
    if path.exists():
        return decode_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(encode_key(key))
    return key


def derive_key(master: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose (``signing-keys``, ``tenant:<id>:fields``) via HKDF-SHA256."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(master)


def seal(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return bytes([FORMAT_VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes = b"") -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] != FORMAT_VERSION:
        raise CryptoError("sealed value is malformed or of an unknown version")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag as exc:
        raise CryptoError("sealed value failed authentication (wrong key, data or context)") from exc

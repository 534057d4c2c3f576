"""Errors of object storage.

GeniusError
├── ValidationError
│   └── InvalidKey        a key or prefix breaks the key rules (names the rule)
├── NotFound
│   └── ObjectNotFound    no object under that key in that tenant's bucket
└── StorageError          the store itself failed
    └── ObjectCorrupted   the bytes on disk no longer match their recorded sha256
"""

from __future__ import annotations

from genius.kernel.errors import GeniusError, NotFound, ValidationError


class StorageError(GeniusError):
    code = "storage_error"


class InvalidKey(ValidationError):
    code = "invalid_object_key"


class ObjectNotFound(NotFound):
    code = "object_not_found"


class ObjectCorrupted(StorageError):
    code = "object_corrupted"

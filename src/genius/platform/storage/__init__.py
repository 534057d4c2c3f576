"""Object storage: one bucket (a folder, locally) per tenant, one key prefix per app.

Public API (import from here)::

    ObjectStore            the port: put, get, stat, exists, delete, list
    StoredObject           what was stored: key, sha256, size, content_type, created_at
    LocalObjectStore       folders under ``<data_dir>/objects`` (the embedded default)
    store_from_settings    the store a process uses (local; S3 is not built yet)
    StorageError, InvalidKey, ObjectNotFound, ObjectCorrupted   the error tree (``errors``)
    validate_key, validate_prefix, app_of                       key rules (``keys``)

Keys are ``<app>/<path>``: the first segment names the owning app (``sales/invoices/F-1.pdf``).
"""

from genius.platform.storage.base import ObjectStore, StoredObject
from genius.platform.storage.errors import InvalidKey, ObjectCorrupted, ObjectNotFound, StorageError
from genius.platform.storage.keys import app_of, validate_key, validate_prefix
from genius.platform.storage.local import LocalObjectStore, store_from_settings

__all__ = [
    "InvalidKey",
    "LocalObjectStore",
    "ObjectCorrupted",
    "ObjectNotFound",
    "ObjectStore",
    "StorageError",
    "StoredObject",
    "app_of",
    "store_from_settings",
    "validate_key",
    "validate_prefix",
]

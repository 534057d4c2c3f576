"""Object storage in folders: ``<root>/<tenant>/<key>``, one file per object, written atomically.

Each file holds one header line (JSON: sha256, size, content type, time) and then the object's
bytes, so the bytes and what describes them are replaced together by one ``os.replace``: a reader
sees the old object or the new one, never a mix, and a crash mid-write leaves only a temp file
(``.tmp-*``, invisible to keys, which never start with ``.``). ``get`` checks the sha256.

Path traversal is refused twice: by the key rules (``keys``) and by resolving the final path and
checking it stays inside the tenant's folder (a symlink planted in the folder cannot lead out).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from genius.kernel.clock import utcnow
from genius.platform.settings import Settings
from genius.platform.storage.base import DEFAULT_CONTENT_TYPE, ObjectStore, StoredObject
from genius.platform.storage.errors import InvalidKey, ObjectCorrupted, ObjectNotFound, StorageError
from genius.platform.storage.keys import validate_key, validate_prefix
from genius.platform.tenancy import validate_slug

OBJECTS_FOLDER = "objects"
MAGIC = b"GENIUS-OBJECT/1 "
# Media types are short ASCII tokens (RFC 6838: type/subtype[; params]).
MAX_CONTENT_TYPE = 200
_HEADER_LIMIT = 4096


class LocalObjectStore(ObjectStore):
    """Buckets as folders under ``root``; see the module docstring."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- paths -----------------------------------------------------------------------------------
    def bucket(self, tenant: str) -> Path:
        """The tenant's folder (created on first write)."""
        validate_slug(tenant)
        return self.root / tenant

    def _path(self, tenant: str, key: str) -> Path:
        validate_key(key)
        bucket = self.bucket(tenant)
        path = bucket / key
        # A symlink inside the bucket must not lead out of it.
        resolved, base = path.resolve(), bucket.resolve()
        if not resolved.is_relative_to(base) or resolved == base:
            raise InvalidKey.for_field("key", f"{key!r} leads outside the tenant's bucket", "path_traversal")
        return path

    # -- writes ----------------------------------------------------------------------------------
    def put(
        self, tenant: str, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> StoredObject:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidKey.for_field("data", "bytes are required", "not_bytes")
        _check_content_type(content_type)
        path = self._path(tenant, key)
        data = bytes(data)
        stored = StoredObject(key, hashlib.sha256(data).hexdigest(), len(data), content_type, utcnow())
        header = json.dumps(
            {
                "sha256": stored.sha256,
                "size": stored.size,
                "content_type": content_type,
                "created_at": stored.created_at.isoformat() if stored.created_at else None,
            },
            separators=(",", ":"),
        ).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise InvalidKey.for_field(
                "key", f"{key!r}: a parent of it is an object", "key_conflict"
            ) from None
        if path.is_dir():
            raise InvalidKey.for_field("key", f"{key!r} is a prefix of other objects", "key_conflict")
        temp = path.parent / f".tmp-{uuid.uuid4().hex}"
        try:
            with open(temp, "xb") as out:
                out.write(MAGIC + header + b"\n")
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        _fsync_dir(path.parent)  # the rename itself survives a power cut
        return stored

    def delete(self, tenant: str, key: str) -> bool:
        path = self._path(tenant, key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except IsADirectoryError:
            return False
        # Empty folders left behind are removed up to the bucket (keeps listings cheap).
        bucket = self.bucket(tenant)
        parent = path.parent
        while parent != bucket and parent.is_relative_to(bucket):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return True

    # -- reads -----------------------------------------------------------------------------------
    def get(self, tenant: str, key: str) -> bytes:
        path = self._path(tenant, key)
        with self._open(path, key) as handle:
            meta = _read_header(handle, key)
            data = handle.read()
        if len(data) != meta.size or hashlib.sha256(data).hexdigest() != meta.sha256:
            raise ObjectCorrupted(f"{key}: stored bytes do not match their sha256", details={"key": key})
        return data

    def stat(self, tenant: str, key: str) -> StoredObject:
        path = self._path(tenant, key)
        with self._open(path, key) as handle:
            return _read_header(handle, key)

    def exists(self, tenant: str, key: str) -> bool:
        return self._path(tenant, key).is_file()

    def list(self, tenant: str, prefix: str = "") -> list[StoredObject]:
        validate_prefix(prefix)
        bucket = self.bucket(tenant)
        # Walk only the folder the prefix's complete segments name.
        start = bucket.joinpath(*prefix.split("/")[:-1]) if "/" in prefix else bucket
        found: list[StoredObject] = []
        for path in _walk(start):
            key = path.relative_to(bucket).as_posix()
            if key.startswith(prefix):
                with contextlib.suppress(ObjectNotFound), self._open(path, key) as handle:
                    found.append(_read_header(handle, key))
        return sorted(found, key=lambda o: o.key)

    @staticmethod
    def _open(path: Path, key: str) -> BinaryIO:
        try:
            return open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(f"no object {key!r}", details={"key": key}) from None


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(dirpath) / name


def _read_header(handle: BinaryIO, key: str) -> StoredObject:
    line = handle.readline(_HEADER_LIMIT)
    if not line.startswith(MAGIC) or not line.endswith(b"\n"):
        raise ObjectCorrupted(f"{key}: not an object file of this store", details={"key": key})
    try:
        meta = json.loads(line[len(MAGIC) :])
        created = meta.get("created_at")
        return StoredObject(
            key=key,
            sha256=str(meta["sha256"]),
            size=int(meta["size"]),
            content_type=str(meta["content_type"]),
            created_at=datetime.fromisoformat(created) if created else None,
        )
    except (ValueError, KeyError, TypeError):
        raise ObjectCorrupted(f"{key}: unreadable object header", details={"key": key}) from None


def _check_content_type(content_type: str) -> None:
    if (
        not isinstance(content_type, str)
        or not 3 <= len(content_type) <= MAX_CONTENT_TYPE
        or "/" not in content_type
        or not content_type.isascii()
        or any(c in content_type for c in "\r\n")
    ):
        raise InvalidKey.for_field("content_type", "a media type such as application/pdf", "bad_content_type")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def store_from_settings(settings: Settings, data_dir: Path) -> ObjectStore:
    """The local store under ``<data_dir>/objects``. An S3 adapter is not built yet; when it is,
    this is where a setting chooses it."""
    if not data_dir.exists():
        raise StorageError(f"data folder {data_dir} does not exist")
    return LocalObjectStore(data_dir / OBJECTS_FOLDER)

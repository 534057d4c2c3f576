"""Object key rules: ``<app>/<segment>/...``, portable on every file system and on S3.

A key is at most 1024 characters of segments joined by ``/``. The first segment is the app that
owns the object (lowercase, like a Python package name). Every segment is 1-255 characters of
letters, digits, ``.``, ``_``, ``-``, and must not start with ``.`` (so ``..`` path traversal,
hidden files and the store's own temp files are out of reach).
"""

from __future__ import annotations

import re

from genius.platform.storage.errors import InvalidKey

MAX_KEY_LENGTH = 1024
_APP = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,254}$")
# The unfinished last segment of a listing prefix.
_PARTIAL_APP = re.compile(r"^[a-z][a-z0-9_]*$")
_PARTIAL_SEGMENT = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9._\-]*$")


def validate_key(key: str, field_name: str = "key") -> str:
    """The key unchanged, or ``InvalidKey`` naming the rule it breaks."""
    if not isinstance(key, str) or not key:
        raise InvalidKey.for_field(field_name, "required: <app>/<name>")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey.for_field(field_name, f"at most {MAX_KEY_LENGTH} characters", "too_long")
    segments = key.split("/")
    if len(segments) < 2:
        raise InvalidKey.for_field(
            field_name, f"{key!r}: starts with the app's prefix, <app>/<name>", "no_app"
        )
    _check_app(segments[0], field_name)
    for segment in segments[1:]:
        _check_segment(segment, field_name)
    return key


def validate_prefix(prefix: str, field_name: str = "prefix") -> str:
    """A listing prefix: empty, or the start of a valid key (its last segment may be partial)."""
    if prefix == "":
        return prefix
    if len(prefix) > MAX_KEY_LENGTH:
        raise InvalidKey.for_field(field_name, f"at most {MAX_KEY_LENGTH} characters", "too_long")
    *complete, last = prefix.split("/")
    if complete:
        _check_app(complete[0], field_name)
        for segment in complete[1:]:
            _check_segment(segment, field_name)
    partial = _PARTIAL_SEGMENT if complete else _PARTIAL_APP
    if last and not partial.fullmatch(last):
        raise InvalidKey.for_field(field_name, f"{prefix!r}: not the start of a valid key", "invalid_segment")
    return prefix


def app_of(key: str) -> str:
    """The app that owns ``key`` (its first segment)."""
    return validate_key(key).split("/", 1)[0]


def _check_app(app: str, field_name: str) -> None:
    if not _APP.fullmatch(app):
        raise InvalidKey.for_field(
            field_name,
            f"{app!r}: the app prefix is lowercase letters, digits or _, a letter first",
            "bad_app",
        )


def _check_segment(segment: str, field_name: str) -> None:
    if segment in ("", ".", ".."):
        raise InvalidKey.for_field(field_name, "empty, '.' or '..' segments are refused", "path_traversal")
    if not _SEGMENT.fullmatch(segment):
        raise InvalidKey.for_field(
            field_name,
            f"{segment[:40]!r}: segments are 1-255 of A-Z a-z 0-9 . _ - and do not start with '.'",
            "invalid_segment",
        )

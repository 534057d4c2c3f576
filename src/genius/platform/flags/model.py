"""Feature flags as data, and their evaluation: pure functions of a flag and a tenant context.

Evaluation order (first that applies wins):

1. no such flag -> off;  2. kill switch set -> off (wins over everything);  3. not enabled -> off;
4. the user is targeted by a segment -> on;  5. the user's rollout bucket is below the rollout
percentage -> on;  6. otherwise off.

Segments (the ``segments`` JSON of ``control.feature_flags``)::

    {"users": ["<user id>", ...],                 explicit users: always on
     "roles": ["accountant", ...],                any of these roles ...
     "attributes": {"branch": ["CJ", "B"]}}       ... and, for every attribute named, one of its values

``roles`` and ``attributes`` together form one rule (both must hold when both are given): the
example targets accountants of the CJ or B branch. A user attribute that is a list matches when
any of its values is allowed.

Rollout: ``bucket = int(sha256(f"{flag_key}:{user_id}")[:8 bytes]) % 10000``; the user is in the
rollout when ``bucket < rollout_percent * 100``. The bucket depends only on flag and user, so a
user keeps the answer across calls and processes, and raising the percentage only adds users.
A context without a user (system work) is in the rollout only at 100 %.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from genius.kernel.errors import ProblemCollector, ValidationError
from genius.platform.tenancy import TenantContext

BUCKETS = 10_000
KEY_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,119}$")
# Sizes that keep a flag row small and its evaluation cheap on every request.
MAX_TARGET_USERS = 1000
MAX_SEGMENT_VALUES = 100


@dataclass(frozen=True)
class Segments:
    users: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    attributes: Mapping[str, frozenset[Any]] = field(default_factory=dict)

    def targets(self, ctx: TenantContext) -> bool:
        if ctx.user_id is not None and ctx.user_id in self.users:
            return True
        if not self.roles and not self.attributes:
            return False
        if self.roles and not self.roles.intersection(ctx.roles):
            return False
        for name, allowed in self.attributes.items():
            have = ctx.attributes.get(name)
            values = have if isinstance(have, list | tuple) else [have]
            if not any(_hashable(v) in allowed for v in values if v is not None):
                return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {
            "users": sorted(self.users),
            "roles": sorted(self.roles),
            "attributes": {k: sorted(v, key=repr) for k, v in sorted(self.attributes.items())},
        }


@dataclass(frozen=True)
class Flag:
    """One tenant's flag as stored."""

    key: str
    enabled: bool
    rollout_percent: int
    segments: Segments
    killed: bool = False
    description: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    def summary(self) -> dict[str, Any]:
        """What the audit record keeps as before/after."""
        return {
            "enabled": self.enabled,
            "rollout_percent": self.rollout_percent,
            "segments": self.segments.as_json(),
            "killed": self.killed,
            "description": self.description,
        }


def bucket(flag_key: str, user_id: str) -> int:
    """The user's stable rollout bucket for this flag, 0..9999."""
    digest = hashlib.sha256(f"{flag_key}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def evaluate(flag: Flag | None, ctx: TenantContext) -> bool:
    """Is the flag on for this caller? See the module docstring for the order."""
    if flag is None or flag.killed or not flag.enabled:
        return False
    if flag.segments.targets(ctx):
        return True
    if flag.rollout_percent >= 100:
        return True
    if ctx.user_id is None or flag.rollout_percent <= 0:
        return False
    return bucket(flag.key, ctx.user_id) < flag.rollout_percent * (BUCKETS // 100)


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else repr(value)


def validate_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise ValidationError.for_field(
            "key", f"{key!r} is not a flag key: 2-120 of a-z 0-9 _ . -, starting with a letter"
        )
    return key


def parse_segments(raw: Any, problems: ProblemCollector, path: str = "segments") -> Segments:
    """Segments from their JSON form; every problem is added to ``problems`` with its path."""
    if raw is None:
        return Segments()
    if not isinstance(raw, Mapping):
        problems.add(path, "an object with users, roles and attributes")
        return Segments()
    unknown = sorted(set(raw) - {"users", "roles", "attributes"})
    if unknown:
        problems.add(f"{path}.{unknown[0]}", "unknown segment field: use users, roles or attributes")
    users = _string_list(raw.get("users"), f"{path}.users", MAX_TARGET_USERS, problems)
    roles = _string_list(raw.get("roles"), f"{path}.roles", MAX_SEGMENT_VALUES, problems)
    attributes: dict[str, frozenset[Any]] = {}
    raw_attributes = raw.get("attributes") or {}
    if not isinstance(raw_attributes, Mapping):
        problems.add(f"{path}.attributes", "an object: attribute name -> list of allowed values")
    else:
        for name, values in raw_attributes.items():
            where = f"{path}.attributes.{name}"
            if not isinstance(values, list) or not values or len(values) > MAX_SEGMENT_VALUES:
                problems.add(where, f"a list of 1 to {MAX_SEGMENT_VALUES} allowed values")
                continue
            if not all(isinstance(v, str | int | bool) for v in values):
                problems.add(where, "values must be text, whole numbers or true/false")
                continue
            attributes[str(name)] = frozenset(values)
    return Segments(users=frozenset(users), roles=frozenset(roles), attributes=attributes)


def _string_list(raw: Any, path: str, limit: int, problems: ProblemCollector) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > limit or not all(isinstance(v, str) and v for v in raw):
        problems.add(path, f"a list of at most {limit} non-empty strings")
        return []
    return list(raw)

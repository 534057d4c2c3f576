"""Fixtures of the worker tests: a platform in a temp folder, a tenant, and a job context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.bootstrap import Platform
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import TenantContext
from tests.platforms import sqlite_platform


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    with sqlite_platform(tmp_path) as built:
        yield built


@pytest.fixture
def tenant(platform: Platform) -> TenantContext:
    created = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
    return TenantContext(created.id, created.slug, system=True)


class Progress(list[tuple[int, str]]):
    """Collects what a handler reports."""

    def __call__(self, percent: int, message: str) -> None:
        self.append((percent, message))


@pytest.fixture
def job(tenant: TenantContext) -> JobContext:
    return JobContext(job_id=new_id(), tag="test", tenant=tenant, report=Progress())

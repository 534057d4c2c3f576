"""Fixtures of the worker tests: a platform in a temp folder, a tenant, and a job context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.bootstrap import Platform, build_platform
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    built = build_platform(Settings(data_dir=tmp_path, master_key=MASTER_KEY))
    yield built
    built.close()


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

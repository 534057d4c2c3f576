"""The jobs tests' backends: the same test on SQLite and PostgreSQL (``backend``), as in the audit tests."""

from tests.platform.audit.conftest import backend, pg_platform, pg_tenant, platform, tenant  # noqa: F401

"""The demo tenant ``genius serve`` makes on first start, with an admin whose password is shown once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from genius.kernel.errors import Conflict
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantRegistry

from .passwords import generate_password
from .service import AuthService

DEMO_NAME = "Demo SRL"
# A CUI in the real format whose check digit validates (stdnum.ro.cui); it names no firm of ours.
DEMO_CUI = "12345674"


class _PlatformLike(Protocol):
    settings: Settings
    tenants: TenantRegistry
    auth: AuthService


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    admin_email: str
    created: bool
    # The admin's password, only in the result of the call that created the admin; never stored.
    admin_password: str | None = None


def demo_admin_email(slug: str) -> str:
    return f"admin@{slug.replace('_', '-')}.example"  # .example is reserved (RFC 2606): never a real inbox


def ensure_demo_tenant(platform: _PlatformLike, echo: Callable[[str], None] = print) -> DemoTenant:
    """Create ``settings.demo_tenant`` and its admin when missing; otherwise say that it exists.

    The admin's random password is echoed once here and kept only as an argon2 hash. A tenant that
    exists without any user (made by ``genius tenant create``) gets its admin now.
    """
    slug = platform.settings.demo_tenant
    email = demo_admin_email(slug)
    if platform.tenants.exists(slug):
        tenant = platform.tenants.get(slug)
        if platform.auth.users.list(tenant.id):
            echo(f"demo tenant {slug!r} exists; sign in as {email} (new password: genius user set-password)")
            return DemoTenant(slug, email, created=False)
    else:
        try:
            platform.tenants.create(slug, name=DEMO_NAME, cui=DEMO_CUI)
        except Conflict:  # another process made it a moment ago
            echo(f"demo tenant {slug!r} exists; sign in as {email}")
            return DemoTenant(slug, email, created=False)
    password = generate_password()
    try:
        platform.auth.users.create(slug, email, password, ["admin"], display_name="Demo administrator")
    except Conflict:
        echo(f"demo tenant {slug!r} exists; sign in as {email}")
        return DemoTenant(slug, email, created=False)
    echo(f"created demo tenant {slug!r} ({DEMO_NAME}, CUI {DEMO_CUI})")
    echo(f"  admin login: {email}")
    echo(f"  password:    {password}")
    echo("  (shown only this once; only its argon2 hash is stored)")
    return DemoTenant(slug, email, created=True, admin_password=password)

"""Password hashing (argon2id, rehash on new parameters), strength rule, user validation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.kernel.errors import Conflict, ValidationError
from genius.platform.auth import Argon2Parameters, Passwords
from genius.platform.auth.passwords import generate_password, password_problem
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import Tenant, TenantNotFound

from .conftest import PASSWORD


def test_default_hash_is_argon2id_and_verifies_only_the_right_password() -> None:
    passwords = Passwords()
    stored = passwords.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.check(stored, PASSWORD).ok
    assert passwords.check(stored, PASSWORD).new_hash is None
    assert not passwords.check(stored, PASSWORD + "x").ok
    assert not passwords.check(None, PASSWORD).ok
    assert not passwords.check("not-a-hash", PASSWORD).ok
    assert passwords.hash(PASSWORD) != stored  # salted


@pytest.mark.parametrize(
    ("candidate", "problem"),
    [
        ("Short-1", "at least 10"),
        ("aaaaaaaaaaaa", "two kinds"),
        ("123456789012", "two kinds"),
        ("ÂÂÂÂÂÂÂÂÂÂÂ", "two kinds"),
        ("x" * 2000 + "A", "at most"),
    ],
)
def test_weak_passwords_are_named(candidate: str, problem: str) -> None:
    found = password_problem(candidate)
    assert found is not None and problem in found


@pytest.mark.parametrize("candidate", ["abcdefghi1", "Parola-mea-buna", "correct horse battery"])
def test_strong_enough_passwords_pass(candidate: str) -> None:
    assert password_problem(candidate) is None


def test_generated_passwords_pass_the_rule_and_differ() -> None:
    made = {generate_password() for _ in range(20)}
    assert len(made) == 20 and all(password_problem(p) is None for p in made)


def test_login_rehashes_when_parameters_change(platform: Platform, tenant: Tenant) -> None:
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["viewer"])
    stored_before = _stored_hash(platform, tenant)
    assert "m=8192,t=1,p=1" in stored_before
    platform.auth.users.passwords = Passwords(
        Argon2Parameters(time_cost=2, memory_cost_kib=16 * 1024, parallelism=1)
    )
    platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD)
    stored_after = _stored_hash(platform, tenant)
    assert "m=16384,t=2,p=1" in stored_after
    platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD)  # the new hash verifies
    assert _stored_hash(platform, tenant) == stored_after  # and is not rewritten again


def _stored_hash(platform: Platform, tenant: Tenant) -> str:
    with platform.control.connect() as conn:
        return conn.execute(
            sa.select(cp.users.c.password_hash).where(cp.users.c.tenant_id == tenant.id)
        ).scalar_one()


def test_user_validation_names_every_bad_field(platform: Platform, tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as err:
        platform.auth.users.create(
            tenant.slug, "not-an-email", "short", ["admin", "wizard"], attributes={"branch": object()}
        )
    fields = {p.field: p.code for p in err.value.problems}
    assert fields == {
        "email": "invalid_email",
        "password": "weak_password",
        "roles[1]": "unknown_role",
        "attributes": "invalid",
    }
    assert err.value.message.startswith("invalid user: email:")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "ana@acme"}, "email"),
        ({"email": "ana@example.test"}, "email"),  # reserved domain (RFC 6761)
        ({"password": "aaaaaaaaaaaaaa"}, "password"),
        ({"roles": []}, "roles"),
        ({"roles": ["ghost"]}, "roles[0]"),
        ({"display_name": "x" * 201}, "display_name"),
    ],
)
def test_each_invalid_field_is_named(platform: Platform, tenant: Tenant, kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    args = {"email": "ana@acme.ro", "password": PASSWORD, "roles": ["viewer"], **kwargs}
    with pytest.raises(ValidationError) as err:
        platform.auth.users.create(
            tenant.slug, args.pop("email"), args.pop("password"), args.pop("roles"), **args
        )
    assert [p.field for p in err.value.problems] == [field]


def test_emails_are_case_insensitive_and_unique_per_tenant(
    platform: Platform, tenant: Tenant, other_tenant: Tenant
) -> None:
    user = platform.auth.users.create(
        tenant.slug, "Ana.Pop@Acme.RO", PASSWORD, ["viewer"], display_name=" Ana "
    )
    assert user.email == "ana.pop@acme.ro" and user.display_name == "Ana"
    with pytest.raises(Conflict):
        platform.auth.users.create(tenant.slug, "ana.pop@acme.ro", PASSWORD, ["viewer"])
    platform.auth.users.create(
        other_tenant.slug, "ana.pop@acme.ro", PASSWORD, ["viewer"]
    )  # another tenant: fine
    assert platform.auth.password_grant(tenant.slug, "ANA.POP@acme.ro", PASSWORD).access_token


def test_tenant_roles_can_be_assigned_and_builtins_not_redefined(platform: Platform, tenant: Tenant) -> None:
    platform.auth.roles.define(tenant.id, "warehouse", ["inventory.*"], "Stock keepers")
    user = platform.auth.users.create(tenant.slug, "gigi@acme.ro", PASSWORD, ["warehouse"])
    assert user.roles == ("warehouse",)
    with pytest.raises(ValidationError) as err:
        platform.auth.roles.define(tenant.id, "admin", ["*"])
    assert err.value.problems[0].code == "builtin_role"
    with pytest.raises(ValidationError) as err:
        platform.auth.roles.define(tenant.id, "bad", ["sales.In voice", "ok.*"])
    assert [p.field for p in err.value.problems] == ["permissions[0]"]
    names = {r.name: r.builtin for r in platform.auth.roles.list(tenant.id)}
    assert names["warehouse"] is False and names["admin"] is True


def test_unknown_tenant_is_named(platform: Platform) -> None:
    with pytest.raises(TenantNotFound):
        platform.auth.users.create("ghost", "ana@acme.ro", PASSWORD, ["viewer"])


def test_users_are_stored_on_both_backends(store_platform: Platform) -> None:
    from .conftest import CUI_A, unique_slug

    tenant = store_platform.tenants.create(unique_slug("usr"), name="Users SRL", cui=CUI_A)
    made = store_platform.auth.users.create(
        tenant.slug,
        "ana@acme.ro",
        PASSWORD,
        ["sales_clerk"],
        {"branch": "CJ", "max_invoice_amount": "5000.50"},
    )
    again = store_platform.auth.users.get(tenant.id, made.id)
    assert again == made
    assert store_platform.auth.users.check_password(tenant.id, "ana@acme.ro", PASSWORD) == made
    assert store_platform.auth.users.check_password(tenant.id, "ana@acme.ro", "Wrong-pass-42") is None

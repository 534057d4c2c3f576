"""The local object store: round trips, tenant isolation, listing, atomic writes, refused keys."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from genius.kernel.errors import NotFound, ValidationError
from genius.platform.settings import Settings
from genius.platform.storage import (
    InvalidKey,
    LocalObjectStore,
    ObjectCorrupted,
    ObjectNotFound,
    app_of,
    store_from_settings,
    validate_key,
    validate_prefix,
)

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


def test_put_get_stat_exists_delete(store: LocalObjectStore) -> None:
    stored = store.put("acme", "sales/invoices/F-2026-0001.pdf", PDF, "application/pdf")
    assert stored.key == "sales/invoices/F-2026-0001.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.size == len(PDF)
    assert stored.content_type == "application/pdf" and stored.created_at is not None
    assert store.get("acme", stored.key) == PDF
    assert store.stat("acme", stored.key) == stored
    assert store.exists("acme", stored.key)
    assert store.delete("acme", stored.key) is True
    assert not store.exists("acme", stored.key)
    assert store.delete("acme", stored.key) is False
    with pytest.raises(ObjectNotFound) as caught:
        store.get("acme", stored.key)
    assert isinstance(caught.value, NotFound)
    # Empty folders went with the last object.
    assert not (store.root / "acme" / "sales").exists()


def test_put_replaces_and_empty_objects_are_fine(store: LocalObjectStore) -> None:
    store.put("acme", "docs/a.txt", b"first", "text/plain")
    second = store.put("acme", "docs/a.txt", b"", "text/plain; charset=utf-8")
    assert store.get("acme", "docs/a.txt") == b""
    assert store.stat("acme", "docs/a.txt").sha256 == second.sha256 == hashlib.sha256(b"").hexdigest()


def test_each_tenant_has_its_own_bucket(store: LocalObjectStore) -> None:
    store.put("acme", "sales/x.pdf", b"acme's", "application/pdf")
    store.put("beta", "sales/x.pdf", b"beta's", "application/pdf")
    assert store.get("acme", "sales/x.pdf") == b"acme's"
    assert store.get("beta", "sales/x.pdf") == b"beta's"
    store.delete("acme", "sales/x.pdf")
    assert store.exists("beta", "sales/x.pdf")
    assert (store.root / "beta" / "sales" / "x.pdf").is_file()


def test_list_by_prefix_sorted(store: LocalObjectStore) -> None:
    keys = ["sales/invoices/2.pdf", "sales/invoices/1.pdf", "sales/orders/1.json", "documents/scan.png"]
    for key in keys:
        store.put("acme", key, key.encode(), "application/octet-stream")
    assert [o.key for o in store.list("acme")] == sorted(keys)
    assert [o.key for o in store.list("acme", "sales/invoices/")] == [
        "sales/invoices/1.pdf",
        "sales/invoices/2.pdf",
    ]
    assert [o.key for o in store.list("acme", "sales/inv")] == [
        "sales/invoices/1.pdf",
        "sales/invoices/2.pdf",
    ]
    assert [o.key for o in store.list("acme", "sa")] == [k for k in sorted(keys) if k.startswith("sa")]
    assert store.list("acme", "crm/") == []
    assert store.list("nobody") == []
    listed = store.list("acme", "documents/")[0]
    assert (
        listed.size == len(b"documents/scan.png")
        and listed.sha256 == hashlib.sha256(b"documents/scan.png").hexdigest()
    )


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("../../etc/passwd", "bad_app"),
        ("sales/../../../etc/passwd", "path_traversal"),
        ("sales/./x", "path_traversal"),
        ("sales//x", "path_traversal"),
        ("/sales/x", "bad_app"),
        ("sales/x/", "path_traversal"),
        ("sales/.hidden", "invalid_segment"),
        ("sales/a\\..\\b", "invalid_segment"),
        ("sales/nul\x00byte", "invalid_segment"),
        ("sales/factură.pdf", "invalid_segment"),
        ("Sales/x.pdf", "bad_app"),
        ("x.pdf", "no_app"),
        ("", "invalid"),
        ("sales/" + "a" * 1100, "too_long"),
    ],
)
def test_refused_keys_name_the_rule(store: LocalObjectStore, key: str, code: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        store.put("acme", key, b"x", "text/plain")
    assert isinstance(caught.value, ValidationError)
    assert caught.value.problems[0].field == "key" and caught.value.problems[0].code == code
    assert not any(p.is_file() for p in store.root.rglob("*")), "nothing may be written"


def test_a_symlink_planted_in_the_bucket_cannot_lead_out(store: LocalObjectStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / "acme").mkdir(parents=True)
    os.symlink(outside, store.root / "acme" / "sales")
    with pytest.raises(InvalidKey, match="outside"):
        store.put("acme", "sales/x.pdf", b"x", "application/pdf")
    with pytest.raises(InvalidKey):
        store.get("acme", "sales/x.pdf")
    assert list(outside.iterdir()) == []


def test_bad_tenant_and_content_type_are_refused(store: LocalObjectStore) -> None:
    with pytest.raises(ValidationError, match="slug"):
        store.put("../acme", "sales/x", b"x", "text/plain")
    with pytest.raises(InvalidKey) as caught:
        store.put("acme", "sales/x", b"x", "text/plain\r\nX-Evil: 1")
    assert caught.value.problems[0].field == "content_type"
    with pytest.raises(InvalidKey) as caught:
        store.put("acme", "sales/x", "not bytes", "text/plain")  # type: ignore[arg-type]
    assert caught.value.problems[0].field == "data"


def test_an_object_and_a_prefix_cannot_share_a_name(store: LocalObjectStore) -> None:
    store.put("acme", "sales/a", b"x", "text/plain")
    with pytest.raises(InvalidKey) as caught:
        store.put("acme", "sales/a/b", b"y", "text/plain")
    assert caught.value.problems[0].code == "key_conflict"
    with pytest.raises(InvalidKey):
        store.put("acme", "sales", b"y", "text/plain")  # one segment: no app prefix


def test_a_failed_write_leaves_the_old_object_and_no_visible_temp(
    store: LocalObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put("acme", "sales/x.pdf", b"old", "application/pdf")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.put("acme", "sales/x.pdf", b"new", "application/pdf")
    monkeypatch.undo()
    assert store.get("acme", "sales/x.pdf") == b"old"
    assert [p.name for p in (store.root / "acme" / "sales").iterdir()] == ["x.pdf"]


def test_leftover_temp_files_stay_invisible(store: LocalObjectStore) -> None:
    store.put("acme", "sales/x.pdf", b"x", "application/pdf")
    (store.root / "acme" / "sales" / ".tmp-crashed").write_bytes(b"half written")
    assert [o.key for o in store.list("acme")] == ["sales/x.pdf"]


def test_corruption_on_disk_is_detected(store: LocalObjectStore) -> None:
    store.put("acme", "sales/x.pdf", b"original bytes", "application/pdf")
    path = store.root / "acme" / "sales" / "x.pdf"
    raw = path.read_bytes()
    path.write_bytes(raw[:-5] + b"XXXXX")
    with pytest.raises(ObjectCorrupted):
        store.get("acme", "sales/x.pdf")
    path.write_bytes(b"a file someone copied here by hand")
    with pytest.raises(ObjectCorrupted):
        store.stat("acme", "sales/x.pdf")


def test_key_helpers() -> None:
    assert validate_key("sales/invoices/F-1.pdf") == "sales/invoices/F-1.pdf"
    assert app_of("documents/scans/p1.png") == "documents"
    for prefix in ("", "s", "sales", "sales/", "sales/inv", "sales/invoices/F-"):
        assert validate_prefix(prefix) == prefix
    for prefix in ("../", "sales/../", "sales/.x", "Sales"):
        with pytest.raises(InvalidKey):
            validate_prefix(prefix)


def test_store_from_settings_is_local_under_the_data_folder(tmp_path: Path) -> None:
    built = store_from_settings(Settings(data_dir=tmp_path), tmp_path)
    assert isinstance(built, LocalObjectStore) and built.root == tmp_path / "objects"

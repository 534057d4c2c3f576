import uuid

from genius.kernel.ids import new_id


def test_uuid7_is_versioned_unique_and_sortable() -> None:
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    # Time-ordered at millisecond precision: the 48-bit timestamp never goes backwards.
    stamps = [u.int >> 80 for u in parsed]
    assert stamps == sorted(stamps)

"""Worker tags renamed in place, and the rewrite of stored messages that still carry the old names.

Issue 3 names worker tags with dotted words (``worker.request.pdf.render``); before, the bus only
took one word and the tags were spelled ``pdf_render``. Copies written before an upgrade (outbox
rows, jobs, the worker registry, the local queue's messages and dead letters) are rewritten by the
migrations and by the local transport with these functions, so that a replay after the upgrade is
routed to the new queue and decoded under the new type instead of being refused.

This table is history: entries are added when a tag is renamed, never changed or removed (the
migrations that use it must give the same result whenever they run).
"""

from __future__ import annotations

import json

# Old tag -> new tag (issue 3: dotted worker tags).
RENAMED_TAGS: dict[str, str] = {
    "pdf_render": "pdf.render",
    "email_send": "email.send",
    "anaf_efactura": "anaf.efactura",
    "anaf_taxpayer": "anaf.taxpayer",
    "anaf_saft": "anaf.saft",
    "bnr_rates": "bnr.rates",
}
_DIRECTIONS = ("request", "response")
_SCHEMA_PREFIX = "urn:genius:schema:"


def _reverse(mapping: dict[str, str], reverse: bool) -> dict[str, str]:
    return {new: old for old, new in mapping.items()} if reverse else mapping


def renamed_types(*, reverse: bool = False) -> dict[str, str]:
    """Old message type -> new (``worker.request.pdf_render`` -> ``worker.request.pdf.render``)."""
    return _reverse(
        {f"worker.{d}.{old}": f"worker.{d}.{new}" for old, new in RENAMED_TAGS.items() for d in _DIRECTIONS},
        reverse,
    )


def renamed_queues(*, reverse: bool = False) -> dict[str, str]:
    """Old worker queue -> new (``worker.pdf_render`` -> ``worker.pdf.render``, see ``worker_queue``)."""
    return _reverse({f"worker.{old}": f"worker.{new}" for old, new in RENAMED_TAGS.items()}, reverse)


def renamed_tags(*, reverse: bool = False) -> dict[str, str]:
    """Old tag -> new tag (or new -> old with ``reverse``, for a downgrade)."""
    return _reverse(dict(RENAMED_TAGS), reverse)


def rename_envelope(body: str, *, reverse: bool = False) -> str:
    """A structured CloudEvent (JSON) with its ``type`` and ``dataschema`` renamed; others unchanged.

    Only those two attributes change: the data is the same message, and the event id stays, so
    consumers' inboxes still recognise a message they have already handled.
    """
    try:
        event = json.loads(body)
    except ValueError:
        return body  # not ours to judge: the consumer dead-letters undecodable bodies
    types = renamed_types(reverse=reverse)
    if not isinstance(event, dict) or event.get("type") not in types:
        return body
    old, new = event["type"], types[event["type"]]
    event["type"] = new
    schema = event.get("dataschema")
    if isinstance(schema, str) and schema.startswith(f"{_SCHEMA_PREFIX}{old}:"):
        event["dataschema"] = f"{_SCHEMA_PREFIX}{new}:{schema[len(_SCHEMA_PREFIX) + len(old) + 1 :]}"
    # As Envelope.to_json writes it.
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


__all__ = ["RENAMED_TAGS", "rename_envelope", "renamed_queues", "renamed_tags", "renamed_types"]

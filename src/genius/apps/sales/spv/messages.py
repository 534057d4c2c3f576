"""Worker contracts of the sales SPV side: ``anaf.efactura`` and ``anaf.taxpayer`` (requests and replies).

Worker tags are lowercase words joined by dots (bus rule, ``genius.platform.bus.catalogue``);
``genius worker --tags anaf.efactura,anaf.taxpayer`` runs them. Handlers live in
``genius.workers.anaf_efactura`` and ``genius.workers.anaf_taxpayer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, ClassVar

from genius.kernel.messages import Event

# What an ``anaf.efactura`` job does.
SUBMIT = "submit"  # upload the invoice's latest attempt (or carry it on), poll, archive, settle
INBOUND = "inbound"  # list received invoices (filter P), download each once, register in procurement
TOKENS = "tokens"  # refresh the tenant's ANAF grant ahead of expiry (keeps the new refresh token)
RESUME = "resume"  # carry on every attempt left uploading/uploaded/processing/outcome_unknown
ACTIONS = (SUBMIT, INBOUND, TOKENS, RESUME)


@dataclass(frozen=True)
class EfacturaWorkRequested(Event):
    """Talk to ANAF's e-Factura SPV for one tenant: submit an invoice, fetch received ones, refresh tokens."""

    event_type: ClassVar[str] = "worker.request.anaf.efactura"
    schema_version: ClassVar[int] = 1

    action: Annotated[str, "submit, inbound, tokens or resume"]
    invoice_id: Annotated[str | None, "The sales document to submit (action submit)"] = None


@dataclass(frozen=True)
class EfacturaWorkDone(Event):
    """What an ``anaf.efactura`` job achieved (the submission's state, or the inbound count)."""

    event_type: ClassVar[str] = "worker.response.anaf.efactura"
    schema_version: ClassVar[int] = 1

    action: Annotated[str, "The action of the request"]
    outcome: Annotated[
        str,
        "accepted, rejected, refused, waiting (ANAF still processing or the list may lag: resumed"
        " later), cancelled, nothing (no work), received (inbound), refreshed or valid (tokens)",
    ]
    invoice_id: Annotated[str | None, "The sales document (submit)"] = None
    attempt: Annotated[int | None, "Submission attempt number (submit)"] = None
    state: Annotated[str | None, "The attempt's state at the end of the job"] = None
    upload_index: Annotated[str | None, "ANAF's upload index (index_incarcare), once known"] = None
    download_id: Annotated[str | None, "ANAF's download id (id_descarcare), once known"] = None
    messages: Annotated[list[str], "ANAF's messages (rule id: text) of a rejection or refusal"] = field(
        default_factory=list
    )
    received: Annotated[int, "Inbound: supplier invoices newly registered"] = 0
    skipped: Annotated[int, "Inbound: messages already known or unreadable"] = 0


@dataclass(frozen=True)
class TaxpayerLookupRequested(Event):
    """Look up CUIs in ANAF's VAT payer registry (PlatitorTvaRest v9) and cache the answers."""

    event_type: ClassVar[str] = "worker.request.anaf.taxpayer"
    schema_version: ClassVar[int] = 1

    cuis: Annotated[list[str], "CUIs (digits, RO prefix allowed), any number: sent in batches of 100"]
    on: Annotated[date | None, "The day the registry answers for; null = today"] = None
    refresh: Annotated[bool, "Ask ANAF even when the cached answer is still fresh"] = False


@dataclass(frozen=True)
class TaxpayersLookedUp(Event):
    """The registry's answers, fresh or (when ANAF is unreachable) from the cache marked stale."""

    event_type: ClassVar[str] = "worker.response.anaf.taxpayer"
    schema_version: ClassVar[int] = 1

    results: Annotated[
        list[dict[str, Any]],
        "One per CUI: cui, found, stale, fetched_at, partner (name, cui, vat_payer, trade_register,"
        " address), vat_on_collection, inactive, efactura_registered, split_vat",
    ]
    stale: Annotated[bool, "True when any answer came from the cache because ANAF was unreachable"] = False

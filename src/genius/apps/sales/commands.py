"""Commands: the requests that change sales state, one handler each (``genius.apps.sales.handlers``).

Fields carry the domain's input types (``PartnerInput``...) unchecked: the handler checks them
through the domain, which names every bad field. Drafts are the e-Factura JSON form as parsed
JSON (``document``), see :mod:`genius.apps.sales.domain.drafts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genius.apps.sales.domain.company import CompanyInput
from genius.apps.sales.domain.partners import PartnerInput
from genius.apps.sales.domain.products import ProductInput
from genius.apps.sales.domain.series import SeriesInput
from genius.kernel.messages import Command


@dataclass(frozen=True)
class SetCompanyProfile(Command):
    fields: CompanyInput


@dataclass(frozen=True)
class CreatePartner(Command):
    fields: PartnerInput


@dataclass(frozen=True)
class UpdatePartner(Command):
    partner_id: str
    fields: PartnerInput
    expected_version: int | None = None  # optimistic lock: refused when the partner moved on


@dataclass(frozen=True)
class CreateProduct(Command):
    fields: ProductInput


@dataclass(frozen=True)
class UpdateProduct(Command):
    product_id: str
    fields: ProductInput
    expected_version: int | None = None


@dataclass(frozen=True)
class CreateSeries(Command):
    fields: SeriesInput


@dataclass(frozen=True)
class CreateDraft(Command):
    """A draft invoice (``credit_note=False``) or credit note, in the e-Factura JSON form."""

    document: Any
    credit_note: bool = False


@dataclass(frozen=True)
class UpdateDraft(Command):
    invoice_id: str
    document: Any
    expected_version: int | None = None


@dataclass(frozen=True)
class DeleteDraft(Command):
    invoice_id: str


@dataclass(frozen=True)
class IssueInvoice(Command):
    """Number, build, validate and freeze a draft (invoice or credit note)."""

    invoice_id: str


@dataclass(frozen=True)
class CreateAndIssue(Command):
    """A draft and its issue in one transaction: nothing is written when the issue is refused."""

    document: Any
    credit_note: bool = False


@dataclass(frozen=True)
class IssueBatch(Command):
    """Several documents created and issued in one transaction, numbered in the order given."""

    documents: list[Any]
    credit_note: bool = False


@dataclass(frozen=True)
class CancelInvoice(Command):
    invoice_id: str
    reason: str | None

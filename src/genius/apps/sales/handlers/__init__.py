"""Command handlers of the sales app: one function per command, each in one unit of work.

Import from here: ``SalesDeps`` (what they need from the platform) and the handlers
``set_company_profile``, ``create_partner``, ``update_partner``, ``create_product``,
``update_product``, ``create_series``, ``create_draft``, ``update_draft``, ``delete_draft``,
``issue_invoice``, ``create_and_issue``, ``issue_batch``, ``cancel_invoice``.
"""

from genius.apps.sales.handlers.cancelling import cancel_invoice
from genius.apps.sales.handlers.deps import CnpVault, SalesDeps, romanian_today
from genius.apps.sales.handlers.drafts import create_draft, delete_draft, update_draft
from genius.apps.sales.handlers.issuing import (
    IssuedDocument,
    create_and_issue,
    issue_batch,
    issue_invoice,
)
from genius.apps.sales.handlers.partners import create_partner, update_partner
from genius.apps.sales.handlers.setup import (
    create_product,
    create_series,
    set_company_profile,
    update_product,
)

__all__ = [
    "CnpVault",
    "IssuedDocument",
    "SalesDeps",
    "cancel_invoice",
    "create_and_issue",
    "create_draft",
    "create_partner",
    "create_product",
    "create_series",
    "delete_draft",
    "issue_batch",
    "issue_invoice",
    "romanian_today",
    "set_company_profile",
    "update_draft",
    "update_partner",
    "update_product",
]

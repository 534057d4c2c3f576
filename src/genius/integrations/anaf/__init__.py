"""ANAF: OAuth2 per tenant, the e-Factura SPV, the public VAT payer registry; limits and resilience.

Public names (import from here):

- configuration: ``AnafEndpoints`` (``from_settings``, ``local(base_url)`` for the double),
  ``OAuthClientConfig``, ``Timeouts``;
- OAuth: ``AnafOAuthClient`` (``authorize_url``, ``exchange_code``, ``refresh``), ``TokenSet``
  (``needs_refresh(now)``, ``status(now)``), ``TokenStatus``, ``OAuthStateSigner``,
  ``parse_callback``;
- tokens: ``TokenStore`` with ``SealedTokenStore`` (tenant DB, component ``ANAF_COMPONENT``) and
  ``InMemoryTokenStore``; ``TokenManager`` (an ``AccessTokenSource``), ``StaticAccessToken``;
- e-Factura: ``EfacturaClient`` (``upload``, ``upload_b2c``, ``message_state``,
  ``list_messages``, ``list_messages_page``, ``iter_messages``, ``download``) and its results
  ``UploadReceipt``, ``MessageState``/``ProcessingState``, ``SpvMessage``/``MessageType``,
  ``MessageList``, ``MessagePage``, ``DownloadedMessage``, ``SpvErrorReport``/``SpvError``;
- VAT registry: ``VatRegistryClient`` (``lookup``, ``lookup_many``), ``VatLookupResult``,
  ``VatPayerRecord``;
- limits: ``AnafLimiter``, ``InMemoryAnafLimiter``, ``RedisAnafLimiter``, ``build_limiter``;
  resilience seam: ``CallGuard``, ``ResilientGuard``;
- after ``UploadOutcomeUnknown``: ``find_filed_invoice``, ``safe_to_upload_again``;
- wiring: ``AnafClients.from_settings(settings, store=..., cui=...)``;
- errors: see :mod:`genius.integrations.anaf.errors`.

The double lives in :mod:`genius.integrations.anaf.double` (imported only by tests, bootstrap
and ``genius anaf-sandbox``).
"""

from __future__ import annotations

from genius.integrations.anaf.archive import DownloadedMessage, open_download
from genius.integrations.anaf.config import AnafEndpoints, OAuthClientConfig, Timeouts
from genius.integrations.anaf.efactura import EfacturaClient, numeric_cif
from genius.integrations.anaf.errors import (
    AnafAuthError,
    AnafCircuitOpen,
    AnafError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
    UploadOutcomeUnknown,
)
from genius.integrations.anaf.factory import AnafClients
from genius.integrations.anaf.guard import CallGuard, DirectGuard, GuardPolicy, ResilientGuard
from genius.integrations.anaf.limits import (
    AnafLimiter,
    InMemoryAnafLimiter,
    LimitRule,
    NoLocalLimits,
    RedisAnafLimiter,
    build_limiter,
)
from genius.integrations.anaf.oauth import (
    AnafOAuthClient,
    OAuthStateSigner,
    TokenSet,
    TokenStatus,
    parse_callback,
)
from genius.integrations.anaf.reconcile import FiledInvoice, find_filed_invoice, safe_to_upload_again
from genius.integrations.anaf.results import (
    MessageFilter,
    MessageList,
    MessagePage,
    MessageState,
    MessageType,
    ProcessingState,
    SpvError,
    SpvErrorReport,
    SpvMessage,
    UploadReceipt,
    UploadStandard,
)
from genius.integrations.anaf.tokens import (
    AccessTokenSource,
    InMemoryTokenStore,
    SealedTokenStore,
    StaticAccessToken,
    StoredTokens,
    TokenExpiry,
    TokenManager,
    TokenStore,
)
from genius.integrations.anaf.vat import VatLookupResult, VatPayerRecord, VatRegistryClient
from genius.platform.db.migrate import MigrationComponent, migrations_folder

ANAF_COMPONENT = MigrationComponent(name="anaf", schema="anaf", script_location=migrations_folder(__file__))

__all__ = [
    "ANAF_COMPONENT",
    "AccessTokenSource",
    "AnafAuthError",
    "AnafCircuitOpen",
    "AnafClients",
    "AnafEndpoints",
    "AnafError",
    "AnafLimitReached",
    "AnafLimiter",
    "AnafOAuthClient",
    "AnafProtocolError",
    "AnafRejected",
    "AnafUnavailable",
    "CallGuard",
    "DirectGuard",
    "DownloadedMessage",
    "EfacturaClient",
    "FiledInvoice",
    "GuardPolicy",
    "InMemoryAnafLimiter",
    "InMemoryTokenStore",
    "LimitRule",
    "MessageFilter",
    "MessageList",
    "MessagePage",
    "MessageState",
    "MessageType",
    "NoLocalLimits",
    "OAuthClientConfig",
    "OAuthStateSigner",
    "ProcessingState",
    "RedisAnafLimiter",
    "ResilientGuard",
    "SealedTokenStore",
    "SpvError",
    "SpvErrorReport",
    "SpvMessage",
    "StaticAccessToken",
    "StoredTokens",
    "Timeouts",
    "TokenExpiry",
    "TokenManager",
    "TokenSet",
    "TokenStatus",
    "TokenStore",
    "UploadOutcomeUnknown",
    "UploadReceipt",
    "UploadStandard",
    "VatLookupResult",
    "VatPayerRecord",
    "VatRegistryClient",
    "build_limiter",
    "find_filed_invoice",
    "numeric_cif",
    "open_download",
    "parse_callback",
    "safe_to_upload_again",
]

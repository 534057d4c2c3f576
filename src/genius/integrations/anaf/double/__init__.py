"""The ANAF double: OAuth, e-Factura SPV and the VAT payer registry over HTTP, with ANAF's paths and shapes.

Chosen only in bootstrap, tests and ``genius anaf-sandbox``; never a production endpoint. See
:mod:`.app` for the endpoints and admin API, :mod:`.spv` for the SPV's behaviour, :mod:`.faults`
for fault injection and :mod:`.signature` for the TEST signature in every download.
"""

from genius.integrations.anaf.double.app import DEFAULT_CLIENT, AnafDouble
from genius.integrations.anaf.double.authority import OAuthClientRegistration, TestCertificate
from genius.integrations.anaf.double.faults import ENDPOINTS, Fault, FaultKind
from genius.integrations.anaf.double.registry import SEED_FIRMS, Span, TestFirm
from genius.integrations.anaf.double.signature import TestSigner, verify_test_signature

__all__ = [
    "DEFAULT_CLIENT",
    "ENDPOINTS",
    "SEED_FIRMS",
    "AnafDouble",
    "Fault",
    "FaultKind",
    "OAuthClientRegistration",
    "Span",
    "TestCertificate",
    "TestFirm",
    "TestSigner",
    "verify_test_signature",
]

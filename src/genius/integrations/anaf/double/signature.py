"""The double's ``semnatura_{id}.xml``: a real, detached XMLDSig made with a throw-away TEST key.

This is NOT the Ministry of Finance's signature: the certificate is self-signed and says
"TEST" in its subject, so nothing signed here can pass for an ANAF original. It is a genuine
XMLDSig structure (SHA-256 digest of the referenced file's octets, exclusive C14N of
``SignedInfo``, RSA PKCS#1 v1.5 with SHA-256, the certificate in ``KeyInfo``), so code that
stores, shows or verifies the pair can be exercised end to end: ``verify_test_signature``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N_EXCLUSIVE = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
TEST_NOTICE = (
    " TEST SIGNATURE made by the Genius ERP ANAF double with a throw-away key. "
    "It is not the Ministry of Finance's signature and proves nothing about any invoice. "
)


@dataclass(frozen=True)
class TestSigner:
    """A throw-away RSA key and its self-signed TEST certificate."""

    __test__ = False  # not a pytest test class

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def generate(cls) -> TestSigner:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Genius ERP - ANAF double (TEST)"),
                x509.NameAttribute(NameOID.COMMON_NAME, "TEST e-Factura signer - NOT MFP"),
            ]
        )
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    def sign(self, content: bytes, reference: str) -> bytes:
        """A detached signature over ``content`` (the ZIP's ``{id}.xml``, named ``reference``)."""
        E = _maker()
        signed_info = E.SignedInfo(
            E.CanonicalizationMethod(Algorithm=C14N_EXCLUSIVE),
            E.SignatureMethod(Algorithm=RSA_SHA256),
            E.Reference(
                E.DigestMethod(Algorithm=SHA256),
                E.DigestValue(base64.b64encode(hashlib.sha256(content).digest()).decode()),
                URI=reference,
            ),
        )
        signature = E.Signature(signed_info)
        value = self.key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
        signature.append(E.SignatureValue(base64.b64encode(value).decode()))
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        signature.append(E.KeyInfo(E.X509Data(E.X509Certificate(base64.b64encode(der).decode()))))
        signature.addprevious(etree.Comment(TEST_NOTICE))
        tree = etree.ElementTree(signature)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _maker():  # type: ignore[no-untyped-def]
    from lxml.builder import ElementMaker

    return ElementMaker(namespace=DSIG, nsmap={None: DSIG})


def _c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True)


def verify_test_signature(
    content: bytes, signature: bytes, certificate: x509.Certificate | None = None
) -> bool:
    """True when ``signature`` is a valid detached XMLDSig of ``content`` by the embedded (or given) key.

    Checks the digest of ``content`` and the RSA signature over the canonical ``SignedInfo``.
    Against the double only: it trusts the certificate it finds unless one is given.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(signature, parser)
    except etree.XMLSyntaxError:
        return False
    ns = {"ds": DSIG}
    signed_info = root.find("ds:SignedInfo", ns)
    digest = root.findtext("ds:SignedInfo/ds:Reference/ds:DigestValue", namespaces=ns)
    value = root.findtext("ds:SignatureValue", namespaces=ns)
    if signed_info is None or not digest or not value:
        return False
    if base64.b64decode(digest) != hashlib.sha256(content).digest():
        return False
    if certificate is None:
        der = root.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=ns)
        if not der:
            return False
        certificate = x509.load_der_x509_certificate(base64.b64decode(der))
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(base64.b64decode(value), _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


__all__ = ["TEST_NOTICE", "TestSigner", "verify_test_signature"]

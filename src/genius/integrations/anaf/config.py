"""Where ANAF lives: base URLs of the OAuth, e-Factura and public services, from settings or a double."""

from __future__ import annotations

from dataclasses import dataclass

from genius.kernel.errors import ValidationError
from genius.platform.settings import Settings

ENVIRONMENTS = ("test", "prod")
# The e-Factura REST services sit under /{test|prod}/FCTEL/rest on the OAuth host (api.anaf.ro).
EFACTURA_PATH = "FCTEL/rest"
VAT_REGISTRY_PATH = "api/PlatitorTvaRest/v9/tva"


@dataclass(frozen=True)
class AnafEndpoints:
    """Base URLs, without trailing slashes.

    ``oauth`` is ``https://logincert.anaf.ro/anaf-oauth2/v1`` (authorize and token), ``efactura``
    ``https://api.anaf.ro/test/FCTEL/rest`` (or ``/prod/``), ``public`` the no-auth host
    ``https://webservicesp.anaf.ro`` (VAT payer registry).
    """

    oauth: str
    efactura: str
    public: str
    environment: str = "test"

    @property
    def authorize_url(self) -> str:
        return f"{self.oauth}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.oauth}/token"

    @property
    def vat_registry_url(self) -> str:
        return f"{self.public}/{VAT_REGISTRY_PATH}"

    @classmethod
    def build(
        cls,
        *,
        environment: str = "test",
        api_url: str = "https://api.anaf.ro",
        oauth_url: str = "https://logincert.anaf.ro/anaf-oauth2/v1",
        public_url: str = "https://webservicesp.anaf.ro",
    ) -> AnafEndpoints:
        if environment not in ENVIRONMENTS:
            raise ValidationError.for_field(
                "anaf_environment", f"must be one of {ENVIRONMENTS}, got {environment!r}"
            )
        api = api_url.rstrip("/")
        return cls(
            oauth=oauth_url.rstrip("/"),
            efactura=f"{api}/{environment}/{EFACTURA_PATH}",
            public=public_url.rstrip("/"),
            environment=environment,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> AnafEndpoints:
        return cls.build(
            environment=settings.anaf_environment,
            api_url=settings.anaf_api_url,
            oauth_url=settings.anaf_oauth_url,
            public_url=settings.anaf_public_url,
        )

    @classmethod
    def local(cls, base_url: str, environment: str = "test") -> AnafEndpoints:
        """Every service on one host with ANAF's paths: the ANAF double (``genius anaf-sandbox``)."""
        base = base_url.rstrip("/")
        return cls.build(
            environment=environment, api_url=base, oauth_url=f"{base}/anaf-oauth2/v1", public_url=base
        )


@dataclass(frozen=True)
class OAuthClientConfig:
    """The firm's OAuth profile registered in ANAF's portal (client credentials and callback)."""

    client_id: str
    client_secret: str
    redirect_uri: str

    @classmethod
    def from_settings(cls, settings: Settings) -> OAuthClientConfig:
        secret = settings.anaf_client_secret.get_secret_value() if settings.anaf_client_secret else ""
        return cls(settings.anaf_client_id, secret, settings.anaf_redirect_uri)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. Uploads get a long read timeout: ANAF often needs more than 10 s to answer one."""

    default: float = 30.0
    upload: float = 90.0
    connect: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Timeouts:
        return cls(default=settings.anaf_timeout_seconds, upload=settings.anaf_upload_timeout_seconds)


__all__ = ["ENVIRONMENTS", "AnafEndpoints", "OAuthClientConfig", "Timeouts"]

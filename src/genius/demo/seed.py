"""``seed_demo``: fill a tenant with three months of realistic activity, through the apps' own services.

Everything goes the way a user's work would: the sales handlers set the company profile, create
partners, products and numbering series and issue every document (``create_and_issue``, each in
its own unit of work: number, UBL, validation, audit record, outbox event); BNR rates are stored
by the rates module; submissions start as the API starts them (an attempt and an
``anaf.efactura`` job in one transaction) and the worker carries them through the ANAF double;
supplier invoices are filed in the double and the inbound job reads them into the procurement
register. Between phases the caller's ``settle`` waits until the relay, the subscribers
(accounting postings, bank open items) and the workers have handled every event, so the ledger
is complete before ``genius.demo.accounting.seed_accounting`` adds payments, statements,
reconciliation and the first month's closing.

Idempotency and failures: a marker object ``demo/seed.json`` in the tenant's storage records the
seed, day, size and the last phase reached. A tenant seeded completely is left alone ("already
seeded"). A run that stopped (a failure, a stopped server) is continued by the next one: the plan
is the same for the same seed and day, and what the first run made is found and kept
(``genius.demo.resume``: every record is its own unit of work, made in plan order), so nothing is
made twice; data that does not match the plan is refused, naming the difference. A tenant with
sales documents of its own is refused.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as st
from genius.apps.sales.commands import (
    CreateAndIssue,
    CreatePartner,
    CreateProduct,
    CreateSeries,
    SetCompanyProfile,
)
from genius.apps.sales.domain.addresses import AddressInput
from genius.apps.sales.domain.company import CompanyInput
from genius.apps.sales.domain.series import SeriesInput
from genius.demo import catalog, identities
from genius.demo.anaf import authorize
from genius.demo.plan import Period, PlannedDocument, plan_documents
from genius.demo.resume import Found
from genius.demo.submit import Submitter
from genius.demo.summary import DemoSummary, count_tenant
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, GeniusError
from genius.platform.tenancy import TenantContext, tenant_scope

log = logging.getLogger("genius.demo")
MARKER = "demo/seed.json"
STARTED, SALES_DONE, DONE = "started", "sales_done", "done"
INVOICE_PREFIX, CREDIT_PREFIX = "DMO", "DMC"
# The accounting seed checks first that every document is posted (nothing written otherwise): a
# posting still in flight when the bus looked idle is waited for this many times.
ACCOUNTING_TRIES = 4


class DemoSeedIncomplete(Conflict):
    code = "demo_seed_incomplete"


class DemoTenantNotEmpty(Conflict):
    code = "demo_tenant_not_empty"


class DemoInterrupted(GeniusError):
    code = "demo_interrupted"


@dataclass(frozen=True)
class DemoSize:
    """How much to make; the defaults are the demo tenant's (tests use a smaller one)."""

    partners: int = 40
    invoices: int = 300
    suppliers: int = 8
    supplier_invoices: int = 48
    rejected: int = 4


@dataclass
class _Run:
    platform: Any
    slug: str
    ctx: TenantContext
    deps: h.SalesDeps
    seed: int
    echo: Callable[[str], None]
    stop: threading.Event
    marker: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Stop between two units of work when the process is shutting down."""
        if self.stop.is_set():
            raise DemoInterrupted(
                f"demo seed of {self.slug!r} stopped at {self.marker.get('step')!r}: the process is stopping"
            )

    def mark(self, stage: str, step: str, **extra: Any) -> None:
        self.marker.update(stage=stage, step=step, updated_at=utcnow().isoformat(), **extra)
        body = json.dumps(self.marker, sort_keys=True).encode()
        self.platform.storage.put(self.slug, MARKER, body, "application/json")


def read_marker(platform: Any, slug: str) -> dict[str, Any] | None:
    if not platform.storage.exists(slug, MARKER):
        return None
    return dict(json.loads(platform.storage.get(slug, MARKER)))


def tenant_context(platform: Any, slug: str) -> TenantContext:
    """The tenant's first administrator acting (audit records name a person), else the system."""
    tenant = platform.tenants.get(slug)
    users = platform.auth.users.list(tenant.id)
    admin = next((u for u in users if "admin" in getattr(u, "roles", ())), users[0] if users else None)
    return TenantContext(
        tenant_id=tenant.id,
        slug=slug,
        user_id=admin.id if admin is not None else None,
        roles=("admin",),
        system=admin is None,
    )


def seed_demo(
    platform: Any,
    slug: str,
    *,
    today: date,
    seed: int = 2026,
    size: DemoSize = DemoSize(),
    settle: Callable[[str], Any],
    double: Any,
    echo: Callable[[str], None] = log.info,
    stop: threading.Event | None = None,
) -> DemoSummary:
    """Seed ``slug`` (see the module docstring). ``double`` is the running ``AnafDouble`` the
    platform's ANAF settings point at; ``settle(what)`` blocks until the bus is idle; ``stop``, once
    set, ends the run between two units of work (``DemoInterrupted``)."""
    started = time.monotonic()
    marker = read_marker(platform, slug)
    if marker is not None and marker.get("stage") == DONE:
        echo(f"tenant {slug!r} already holds the demo data (seed {marker.get('seed')}): nothing to do")
        return DemoSummary.of(count_tenant(platform, slug), marker, already=True)
    if marker is not None and marker.get("stage") == STARTED:
        # An interrupted run: continue its plan (the seed, day and size it started with).
        try:
            seed = int(marker["seed"])
            today = date.fromisoformat(str(marker["today"]))
            size = DemoSize(**marker.get("size", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise DemoSeedIncomplete(
                f"tenant {slug!r} has an incomplete demo seed whose marker ({MARKER}) cannot be read"
                f" ({exc!r}): seed a fresh tenant (genius tenant create, then genius demo --tenant <slug>)",
                details={"marker": marker},
            ) from exc
        echo(f"tenant {slug!r}: continuing the demo seed stopped at {marker.get('step')!r} (seed {seed})")
    ctx = tenant_context(platform, slug)
    deps = h.SalesDeps(
        databases=platform.databases,
        audit=platform.audit,
        master_key=platform.master_key,
        tenants=platform.tenants,
        authorizer=platform.auth.authorizer,
    )
    run = _Run(
        platform,
        slug,
        ctx,
        deps,
        seed,
        echo,
        stop or threading.Event(),
        marker or {"seed": seed, "today": today.isoformat(), "size": asdict(size)},
    )
    accounting: dict[str, int] = {}
    with tenant_scope(ctx):
        if marker is None or marker.get("stage") == STARTED:
            if marker is None:
                _refuse_non_empty(platform, slug)
                run.mark(STARTED, "begin")
            _sales_and_procurement(run, today, size, settle, double)
            run.mark(SALES_DONE, "sales and procurement settled")
        run.check()
        # The fixed-asset register (demo/assets.py), before accounting locks the first month.
        from genius.demo.assets import seed_assets

        fixed = seed_assets(run.platform, run.slug, today=today)
        accounting = {**_accounting(run, today, settle), **fixed}
        run.mark(DONE, "done", accounting=accounting)
    counts = count_tenant(platform, slug)
    summary = DemoSummary.of(counts, run.marker, seconds=time.monotonic() - started)
    echo(f"tenant {slug!r} seeded in {summary.seconds:.0f} s")
    return summary


def _refuse_non_empty(platform: Any, slug: str) -> None:
    with platform.databases.engine_for_slug(slug).connect() as conn:
        documents = conn.execute(sa.select(sa.func.count()).select_from(st.invoices)).scalar_one()
    if documents:
        raise DemoTenantNotEmpty(
            f"tenant {slug!r} already has {documents} sales document(s) of its own: demo data goes"
            " into a fresh tenant only (genius tenant create)",
        )


def _company(run: _Run) -> dict[str, Any]:
    tenant = run.platform.tenants.get(run.slug)
    if not tenant.cui:
        raise GeniusError(f"tenant {run.slug!r} has no CUI: the demo company needs one", code="no_cui")
    iban, bic, bank = identities.ro_iban(random.Random(run.seed))
    company = CompanyInput(
        name=tenant.name,
        cui=f"RO{''.join(c for c in tenant.cui if c.isdigit())}",
        trade_register="J12/3456/2020",
        address=AddressInput(
            street="Str. Memorandumului nr. 28",
            city="Cluj-Napoca",
            postal_code="400114",
            county="RO-CJ",
            country_code="RO",
        ),
        iban=iban,
        bic=bic,
        bank_name=bank,
        email=f"facturi@{run.slug.replace('_', '-')}.example",
        phone="0264 123 456",
        share_capital="200",
        payment_term_days=30,
    )
    h.set_company_profile(run.deps, SetCompanyProfile(company))
    digits = company.cui[2:]  # type: ignore[index]
    return {
        "name": tenant.name,
        "vat_id": company.cui,
        "legal_registration_id": {"value": digits},
        "address": {
            "street": "Str. Memorandumului nr. 28",
            "city": "Cluj-Napoca",
            "postal_code": "400114",
            "country_subdivision": "RO-CJ",
            "country_code": "RO",
        },
    }


def _sales_and_procurement(
    run: _Run, today: date, size: DemoSize, settle: Callable[[str], Any], double: Any
) -> None:
    from genius.demo.rates import import_bnr_rates
    from genius.demo.suppliers import supplier_documents

    rng = random.Random(run.seed)
    period = Period.before(today)
    run.echo(f"demo seed of {run.slug!r}: {period.start} to {period.end}, seed {run.seed}")
    buyer_party = _company(run)
    run.mark(STARTED, "company profile")
    rates = import_bnr_rates(run.platform, run.slug, period, run.seed)
    run.echo(f"  BNR rates: {rates} stored")
    found = Found.read(run.platform.databases.engine_for_slug(run.slug))
    invoice_series = found.series.get(INVOICE_PREFIX) or h.create_series(
        run.deps,
        CreateSeries(SeriesInput(prefix=INVOICE_PREFIX, is_default=True, description="Facturi (date demo)")),
    )
    credit_series = found.series.get(CREDIT_PREFIX) or h.create_series(
        run.deps,
        CreateSeries(
            SeriesInput(
                prefix=CREDIT_PREFIX,
                document_kind="credit_note",
                is_default=True,
                description="Facturi storno",
            )
        ),
    )
    partners = identities.partners(rng, size.partners)
    partner_ids = found.partner_ids(partners)
    for p in partners:
        if p.key not in partner_ids:
            partner_ids[p.key] = h.create_partner(run.deps, CreatePartner(p.partner))
    products = catalog.products()
    product_ids = dict(found.products)
    for product in products:
        if product.key not in product_ids:
            product_ids[product.key] = h.create_product(run.deps, CreateProduct(product.product))
    run.mark(STARTED, "partners and products")
    run.echo(f"  {len(partner_ids)} partners, {len(product_ids)} products")
    plan = plan_documents(rng, period, partners, products, invoices=size.invoices)
    issued = found.document_ids(plan)
    if issued:
        run.echo(f"  continuing an interrupted seed: {len(issued)} of {len(plan)} documents were issued")
    for number, document in enumerate(plan, start=1):
        run.check()
        if document.index not in issued:
            issued[document.index] = _issue(
                run, document, partner_ids, product_ids, issued, invoice_series, credit_series
            )
        if number % 50 == 0:
            run.mark(STARTED, f"issued {number} of {len(plan)}")
            run.echo(f"  issued {number} of {len(plan)} documents")
    run.mark(STARTED, f"issued {len(plan)} of {len(plan)}")
    settle("issued documents")
    authorize(run.platform, run.ctx)
    rejected = _pick_rejected(rng, plan, size.rejected)
    submitter = Submitter(run.platform, run.ctx, double, settle, run.echo, run.check)
    # A document sent by the interrupted run is the worker's (and the resume sweep's) to finish.
    unsent = [d.index for d in plan if issued[d.index] not in found.submitted]
    submitter.submit([issued[i] for i in unsent if i not in rejected])
    submitter.refuse_each([issued[i] for i in sorted(rejected) if i in unsent])
    run.mark(STARTED, "submissions settled")
    suppliers = identities.supplier_firms(rng, size.suppliers)
    received = supplier_documents(rng, suppliers, buyer_party, period.working_days(), size.supplier_invoices)
    submitter.receive([d.xml for d in received])  # the register skips what it holds already
    run.mark(STARTED, "supplier invoices received")


def _issue(
    run: _Run,
    document: PlannedDocument,
    partner_ids: dict[str, str],
    product_ids: dict[str, str],
    issued: dict[int, str],
    invoice_series: str,
    credit_series: str,
) -> str:
    draft = document.draft(partner_ids, product_ids)
    credit = document.kind == "credit_note"
    draft["series_id"] = credit_series if credit else invoice_series
    if credit:
        assert document.corrects is not None
        draft["corrects_invoice_id"] = issued[document.corrects]
    try:
        return h.create_and_issue(run.deps, CreateAndIssue(draft, credit_note=credit)).invoice_id
    except GeniusError as exc:
        problems = "; ".join(f"{p.field}: {p.message}" for p in getattr(exc, "problems", []) or [])
        raise GeniusError(
            f"demo document {document.index} ({document.scenario}, {document.issue_date}) was refused:"
            f" {problems or exc.message}",
            code=exc.code,
            details=exc.details,
        ) from exc


def _pick_rejected(rng: random.Random, plan: list[PlannedDocument], count: int) -> set[int]:
    """Domestic company invoices no credit note corrects (they go through ``upload``, not B2C)."""
    corrected = {d.corrects for d in plan if d.corrects is not None}
    pool = [
        d.index
        for d in plan
        if d.kind == "invoice" and d.scenario == "domestic_21" and d.index not in corrected
    ]
    return set(rng.sample(pool, min(count, len(pool))))


def _accounting(run: _Run, today: date, settle: Callable[[str], Any]) -> dict[str, int]:
    """The accounting seed (payments, statements, reconciliation, closing), when the module exists."""
    try:
        from genius.demo.accounting import seed_accounting  # written beside this module
    except ImportError as exc:
        if exc.name != "genius.demo.accounting":
            raise  # the module is there but broken: say so, do not skip it silently
        run.echo(f"  accounting demo data skipped: genius.demo.accounting is not available ({exc})")
        return {}
    run.check()
    run.mark(SALES_DONE, "accounting")
    from genius.demo.ledger_check import DemoNotReady

    for attempt in range(1, ACCOUNTING_TRIES + 1):
        try:
            counts = dict(seed_accounting(run.platform, run.slug, today=today, seed=run.seed))
            break
        except DemoNotReady as exc:  # a posting still in flight when the bus looked idle: wait more
            if attempt == ACCOUNTING_TRIES:
                raise
            run.echo(f"  accounting waits for postings ({exc.message[:120]})")
            time.sleep(2.0 * attempt)
            settle("postings")
    settle("accounting events")
    run.echo("  accounting: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


__all__ = [
    "DemoInterrupted",
    "DemoSeedIncomplete",
    "DemoSize",
    "DemoTenantNotEmpty",
    "read_marker",
    "seed_demo",
]

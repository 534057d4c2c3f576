"""The generated data set of bench/bank_matching.py: partners, open invoices and bank lines.

See bench/bank_matching.py (and docs/bank-matching.md) for what the set contains and why. Every
line knows its true invoices (``TestSet.truth``) and its scenario (``TestSet.scenario``).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum.ro import cui as stdnum_cui

from genius.apps.accounting.bank.domain.model import ItemKind, LineFacts, OpenItem

SEED = 20260115  # the set of docs/bank-matching.md

FIRST = [
    "Alfa",
    "Carpați",
    "Dunărea",
    "Transilvania",
    "Agro",
    "Nord",
    "Vest",
    "Delta",
    "Bucovina",
    "Olt",
    "Mureș",
    "Siret",
    "Banat",
    "Ceahlău",
    "Bistrița",
    "Prahova",
    "Argeș",
    "Crișana",
    "Oltenia",
    "Măgura",
]
SECOND = [
    "Construct",
    "Logistic",
    "Distribuție",
    "Servicii",
    "Tech",
    "Med",
    "Impex",
    "Trading",
    "Prod",
    "Com",
    "Consult",
    "Instal",
    "Transport",
    "Food",
    "Pharma",
    "Design",
    "Energy",
    "Auto",
]
FORMS = ["SRL", "SRL", "SRL", "S.R.L.", "SA", "SNC"]
BANKS = ["RNCB", "BRDE", "BTRL", "INGB", "RZBR", "BACX", "CECE"]  # fmt: skip


@dataclass
class Partner:
    id: str
    name: str
    cui: str
    iban: str
    iban_known: bool


@dataclass
class TestSet:
    items: list[OpenItem]
    lines: list[LineFacts]
    truth: dict[str, frozenset[str]]
    scenario: dict[str, str]
    partners: list[Partner] = field(default_factory=list)


def _iban(rng: random.Random) -> str:
    bban = rng.choice(BANKS) + "".join(rng.choice("0123456789") for _ in range(16))
    digits = "".join(str(int(c, 36)) for c in bban + "RO00")
    return f"RO{98 - int(digits) % 97:02d}{bban}"


def _cui(rng: random.Random) -> str:
    base = str(rng.randint(100000, 49999999))
    return base + stdnum_cui.calc_check_digit(base)


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    index = rng.randrange(len(words))
    word = words[index]
    if len(word) > 3:
        at = rng.randrange(1, len(word) - 1)
        word = rng.choice([word[:at] + word[at + 1 :], word[:at] + word[at + 1] + word[at] + word[at + 2 :]])
    words[index] = word
    return " ".join(words)


def _payer_name(rng: random.Random, partner: Partner, noisy: bool) -> str:
    plain = partner.name.translate(str.maketrans("ăâîșțĂÂÎȘȚ", "aaistAAIST")).upper()
    if not noisy:
        return rng.choice([plain, partner.name, "SC " + plain])
    noise = rng.choice(["typo", "typo", "truncate", "no_form", "typo_no_form"])
    if noise == "truncate":
        return plain[:16]
    if noise == "no_form":
        return plain.rsplit(" ", 1)[0]
    if noise == "typo_no_form":
        return _typo(rng, plain.rsplit(" ", 1)[0])
    return _typo(rng, plain)


def _number_text(rng: random.Random, item: OpenItem, style: str) -> str:
    series = "".join(c for c in item.number if c.isalpha())
    core = int("".join(c for c in item.number.split("-")[-1] if c.isdigit()))
    when = item.issue_date
    if style == "number_only":
        return rng.choice(
            [f"FCT {core}", f"fact nr {core}", f"c/v fact {core} din {when:%d.%m.%Y}", f"plata fc {core}"]
        )
    if style == "wrong_number":
        wrong = core + rng.choice([1, -1, 10, 100]) if core > 100 else core + 1
        return f"c/v fact {series} {wrong}"
    return rng.choice([
        f"c/v fact {item.number}", f"factura nr. {item.number}", f"Plata factura {series} {core:04d}",
        f"cv fact {series}{core} din {when:%d.%m.%Y}", f"seria {series} nr {core}",
        f"contravaloare factura {item.number}", f"Factura {item.number}",
    ])  # fmt: skip


def generate(seed: int = SEED, partners: int = 60, invoices: int = 420, lines: int = 380) -> TestSet:
    """A seeded test set (see the module docstring); the same seed gives the same set."""
    rng = random.Random(seed)
    people: list[Partner] = []
    names: set[str] = set()
    while len(people) < partners:
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(FORMS)}"
        if name in names:
            continue
        names.add(name)
        people.append(Partner(f"p{len(people):03d}", name, _cui(rng), _iban(rng), rng.random() < 0.6))
    # Near-twins: a partner whose name contains another's ("Alfa Construct Invest SRL").
    for twin in rng.sample(people[:20], 5):
        base = twin.name.rsplit(" ", 1)[0]
        people.append(
            Partner(f"p{len(people):03d}", f"{base} Invest SRL", _cui(rng), _iban(rng), rng.random() < 0.6)
        )
    start = date(2026, 1, 5)
    items: list[OpenItem] = []
    counters: Counter[str] = Counter()
    for index in range(invoices):
        partner = rng.choice(people)
        payable = index % 5 == 4
        when = start + timedelta(days=rng.randrange(75))
        if payable:
            series = rng.choice(["F", "ABC", "INV", "FV"])
            counters[series + partner.id] += 1
            number = f"{series}{rng.randint(1000, 99999)}"
        else:
            series = rng.choice(["GEN", "FCT"])
            counters[series] += 1
            number = f"GEN-{counters[series]:06d}" if series == "GEN" else f"FCT2026-{counters[series]:04d}"
        total = Decimal(
            rng.choice([rng.randint(50, 3000), rng.randint(3000, 25000), 100 * rng.randint(1, 50)])
        )
        total += Decimal(rng.randint(0, 99)) / 100 if rng.random() < 0.7 else 0
        items.append(
            OpenItem(
                id=f"i{index:04d}", kind=ItemKind.PAYABLE if payable else ItemKind.RECEIVABLE, number=number,
                currency="RON", total=total, open_amount=total, issue_date=when, partner_id=partner.id,
                partner_name=partner.name, partner_cui=partner.cui,
                partner_ibans=frozenset({partner.iban}) if partner.iban_known or payable else frozenset(),
                due_date=when + timedelta(days=30),
            )
        )  # fmt: skip
    by_partner: dict[str, list[OpenItem]] = defaultdict(list)
    for item in items:
        by_partner[item.partner_id or ""].append(item)
    partner_of = {p.id: p for p in people}
    unpaid = list(items)
    rng.shuffle(unpaid)
    out_lines: list[LineFacts] = []
    truth: dict[str, frozenset[str]] = {}
    scenario: dict[str, str] = {}
    weights = {
        "clean": 14, "number_only": 8, "name_typo": 8, "no_number": 8, "no_number_typo": 5,
        "combined_named": 5, "combined_unnamed": 5, "partial": 6, "short_by_fee": 5, "wrong_number": 5,
        "supplier_payment": 10, "unrelated": 14, "unknown_payer": 7,
    }  # fmt: skip
    kinds = list(weights)
    for n in range(lines):
        kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
        line_id = f"l{n:04d}"
        made = _line(rng, kind, line_id, unpaid, by_partner, partner_of, items)
        if made is None:
            continue
        line, true_items = made
        out_lines.append(line)
        truth[line_id] = frozenset(true_items)
        scenario[line_id] = kind
    return TestSet(items, out_lines, truth, scenario, people)


def _take(unpaid: list[OpenItem], kind: ItemKind) -> OpenItem | None:
    for index, item in enumerate(unpaid):
        if item.kind is kind:
            return unpaid.pop(index)
    return None


def _line(rng, kind, line_id, unpaid, by_partner, partner_of, items):  # type: ignore[no-untyped-def]
    booking = date(2026, 3, 1) + timedelta(days=rng.randrange(60))
    if kind in ("unrelated", "unknown_payer"):
        return _unrelated(rng, kind, line_id, booking, items), []
    wanted = ItemKind.PAYABLE if kind == "supplier_payment" else ItemKind.RECEIVABLE
    item = _take(unpaid, wanted)
    if item is None:
        return None
    partner = partner_of[item.partner_id]
    chosen = [item]
    if kind.startswith("combined"):
        siblings = [i for i in by_partner[partner.id] if i in unpaid and i.kind is wanted]
        if not siblings:
            return None
        for extra in rng.sample(siblings, min(len(siblings), rng.choice([1, 2]))):
            unpaid.remove(extra)
            chosen.append(extra)
    amount = sum((i.open_amount for i in chosen), Decimal(0))
    if kind == "partial":
        amount = (item.open_amount * Decimal(rng.choice([30, 40, 50, 60, 75])) / 100).quantize(
            Decimal("0.01")
        )
    elif kind == "short_by_fee":
        amount -= rng.choice([Decimal("2.50"), Decimal("5.00"), Decimal("7.00"), Decimal("12.00")])
    details = {
        "clean": lambda: _number_text(rng, item, "full"),
        "number_only": lambda: _number_text(rng, item, "number_only"),
        "name_typo": lambda: _number_text(rng, item, "full"),
        "no_number": lambda: rng.choice(["plata", "contravaloare marfa", "plata servicii", "", "OP 12"]),
        "no_number_typo": lambda: rng.choice(["plata", "contravaloare", ""]),
        "combined_named": lambda: (
            "plata facturi " + ", ".join(i.number for i in chosen[:-1]) + " si " + chosen[-1].number
        ),
        "combined_unnamed": lambda: rng.choice(["plata facturi", "achitare sold", "plata"]),
        "partial": lambda: "avans " + _number_text(rng, item, "full"),
        "short_by_fee": lambda: _number_text(rng, item, "full"),
        "wrong_number": lambda: _number_text(rng, item, "wrong_number"),
        "supplier_payment": lambda: _number_text(rng, item, rng.choice(["full", "full", "number_only"])),
    }[kind]()
    noisy = kind in ("name_typo", "no_number_typo") or rng.random() < 0.2
    with_iban = kind not in ("name_typo", "no_number_typo") and (
        rng.random() < 0.8 or kind == "supplier_payment"
    )
    line = LineFacts(
        id=line_id,
        amount=-amount if wanted is ItemKind.PAYABLE else amount,
        currency="RON",
        booking_date=max(booking, item.issue_date + timedelta(days=1)),
        counterparty_name=_payer_name(rng, partner, noisy),
        counterparty_iban=partner.iban if with_iban else None,
        counterparty_cui=partner.cui
        if kind not in ("name_typo", "no_number_typo") and rng.random() < 0.3
        else None,
        remittance=details,
    )
    return line, [i.id for i in chosen]


def _unrelated(
    rng: random.Random, kind: str, line_id: str, booking: date, items: list[OpenItem]
) -> LineFacts:
    # One in four unrelated lines carries the amount of some open invoice, to tempt the matcher.
    decoy = rng.choice(items).open_amount if rng.random() < 0.25 else None
    if kind == "unknown_payer":
        amount = decoy or Decimal(rng.randint(20, 9000))
        name = rng.choice(
            ["POPESCU MARIA", "IONESCU ION", "ATLAS GLOBAL LTD", "ZETA MEDIA SRL", "KAPPA INVEST SA"]
        )
        text = rng.choice(["plata", "transfer", "factura 77", "c/v servicii", "rambursare"])
        return LineFacts(line_id, amount, "RON", booking, name, _iban(rng), None, text)
    amount = -(decoy or Decimal(rng.randint(5, 30000)))
    name, text = rng.choice([
        ("BUGETUL DE STAT", "plata impozite si contributii"), ("ANGAJATI", "salarii luna februarie"),
        (None, "Comision administrare cont"), (None, "Alimentare cont depozit"),
        ("EXEMPLU SOFT SRL", "transfer intre conturi proprii"), (None, "Retragere numerar ATM"),
    ])  # fmt: skip
    if rng.random() < 0.3:
        amount = -amount  # POS settlements, interest, deposits back
        name, text = rng.choice(
            [(None, "Decontare POS batch 000123"), (None, "Dobanda"), (None, "Lichidare depozit")]
        )
    return LineFacts(line_id, amount, "RON", booking, name, None, None, text)

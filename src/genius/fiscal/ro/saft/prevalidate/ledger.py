"""One pass over GeneralLedgerEntries: balanced transactions, dates in the period, known accounts
and partners; movements per account and VAT booked on 4427/4426 are accumulated for later checks."""

from __future__ import annotations

from decimal import Decimal

from genius.fiscal.ro.saft.model.common import Side
from genius.fiscal.ro.saft.model.entries import GeneralLedgerEntries, Transaction
from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity
from genius.fiscal.ro.saft.prevalidate.masters import check_account_id
from genius.fiscal.ro.saft.prevalidate.taxes import check_tax
from genius.fiscal.ro.saft.taxcodes import TaxCategory

_ZERO = Decimal("0.00")
_VAT_ACCOUNTS = ("4427", "4426")


def _vat_account(ctx: Context, account_id: str, cache: dict[str, str | None]) -> str | None:
    kind = cache.get(account_id, "?")
    if kind == "?":
        synthetic = ctx.chart.synthetic_of(account_id)
        kind = synthetic.code if synthetic is not None and synthetic.code in _VAT_ACCOUNTS else None
        cache[account_id] = kind
    return kind


def _check_partners(ctx: Context, tid: str, customer_id: str, supplier_id: str) -> None:
    add = ctx.findings.add
    if customer_id == "0" and supplier_id == "0":
        add(
            "PARTNER_ID_ZERO",
            Severity.ERROR,
            EntityKind.TRANSACTION,
            tid,
            "CustomerID și SupplierID sunt amândouă „0”; cel mult unul poate fi 0. Pe liniile fără partener "
            "treceți codul propriu (00 + CUI).",
            'CustomerID and SupplierID are both "0"; at most one may be. On lines without a partner put the '
            "company's own code (00 + CUI).",
            "CustomerID",
        )
        return
    own = ctx.own_id
    if (customer_id == own or customer_id in ctx.customers) and (
        supplier_id == own or supplier_id in ctx.suppliers
    ):
        return  # every line of a normal ledger: nothing to report, no loop below (one call per line)
    for partner, known, label_ro, label_en in (
        (customer_id, ctx.customers, "client", "customer"),
        (supplier_id, ctx.suppliers, "furnizor", "supplier"),
    ):
        if not known or partner in ("0", ctx.own_id) or partner in known or partner in ctx.reported_partners:
            continue
        ctx.reported_partners.add(partner)
        add(
            "PARTNER_UNKNOWN",
            Severity.WARNING,
            EntityKind.TRANSACTION,
            tid,
            f"Partenerul {partner} apare ca {label_ro} în înregistrări, dar nu există în secțiunea "
            f"{'Customers' if label_en == 'customer' else 'Suppliers'}; ANAF cere același cod peste tot.",
            f"Partner {partner} is a {label_en} in the entries but missing from "
            f"{'Customers' if label_en == 'customer' else 'Suppliers'}; ANAF wants the same code everywhere.",
            "CustomerID" if label_en == "customer" else "SupplierID",
        )


def _transaction(
    ctx: Context, item: Transaction, vat_cache: dict[str, str | None]
) -> tuple[Decimal, Decimal]:
    add = ctx.findings.add
    tid = item.transaction_id
    if not ctx.in_period(item.gl_posting_date):
        add(
            "ENTRY_OUTSIDE_PERIOD",
            Severity.ERROR,
            EntityKind.TRANSACTION,
            tid,
            f"Nota {tid} este înregistrată la {item.gl_posting_date}, în afara perioadei declarate "
            f"({ctx.period_start} - {ctx.period_end}); raportați-o în perioada ei.",
            f"Entry {tid} is posted on {item.gl_posting_date}, outside the declared period "
            f"({ctx.period_start} - {ctx.period_end}); report it in its own period.",
            "GLPostingDate",
        )
    _check_partners(ctx, tid, item.customer_id, item.supplier_id)
    debit = credit = _ZERO
    for line in item.lines:
        account_id = line.account_id
        check_account_id(ctx, account_id, EntityKind.TRANSACTION, tid)
        _check_partners(ctx, tid, line.customer_id, line.supplier_id)
        value = line.amount.amount
        ctx.check_amount(line.amount, EntityKind.TRANSACTION, tid, "TransactionLine.Amount")
        state = ctx.accounts.get(account_id)
        is_debit = line.side is Side.DEBIT
        if is_debit:
            debit += value
        else:
            credit += value
        if state is not None:
            if is_debit:
                state.debit += value
            else:
                state.credit += value
        else:
            moves = ctx.unlisted[account_id]
            moves[0 if is_debit else 1] += value
        vat_account = _vat_account(ctx, account_id, vat_cache)
        closing_note = False
        for tax in line.tax:
            code = check_tax(ctx, tax, item.gl_posting_date, EntityKind.TRANSACTION, tid, in_ledger=True)
            if code is None:
                continue
            if code.category is TaxCategory.GL_CLOSING:
                closing_note = True
            elif code.category is TaxCategory.GL_SELF_CHARGED and vat_account == "4427":
                # Self-charged VAT (autocolectare) has no invoice: its 4427 line declares it.
                ctx.vat_collected_declared += tax.amount.amount
        if vat_account is not None and not closing_note:
            # The VAT closing note (380200) moves balances between VAT accounts: not VAT of the period.
            if vat_account == "4427":
                ctx.vat_collected_booked += -value if is_debit else value
            else:
                ctx.vat_deductible_booked += value if is_debit else -value
    if debit != credit:
        add(
            "TRANSACTION_UNBALANCED",
            Severity.ERROR,
            EntityKind.TRANSACTION,
            tid,
            f"Nota {tid} nu este echilibrată: debit {debit}, credit {credit}; corectați liniile.",
            f"Entry {tid} is not balanced: debit {debit}, credit {credit}; fix its lines.",
            "TransactionLine",
        )
    return debit, credit


def check_ledger(ctx: Context, entries: GeneralLedgerEntries) -> None:
    add = ctx.findings.add
    total_debit = total_credit = _ZERO
    count = 0
    vat_cache: dict[str, str | None] = {}
    for journal in entries.journals:
        for item in journal.transactions:
            debit, credit = _transaction(ctx, item, vat_cache)
            total_debit += debit
            total_credit += credit
            count += 1
    if total_debit != total_credit:
        add(
            "LEDGER_UNBALANCED",
            Severity.ERROR,
            EntityKind.LEDGER,
            "GeneralLedgerEntries",
            f"Total debit {total_debit} diferă de total credit {total_credit} în notele contabile ale "
            "perioadei.",
            f"Total debit {total_debit} differs from total credit {total_credit} over the period's entries.",
            "TotalDebit",
        )
    declared = entries.totals
    if (declared.number_of_entries, declared.total_debit, declared.total_credit) != (
        count,
        total_debit,
        total_credit,
    ):
        add(
            "LEDGER_TOTALS_DECLARED",
            Severity.ERROR,
            EntityKind.LEDGER,
            "GeneralLedgerEntries",
            f"Totalurile declarate ({declared.number_of_entries} note, debit {declared.total_debit}, credit "
            f"{declared.total_credit}) diferă de cele calculate ({count}, {total_debit}, {total_credit}); "
            "recalculați totalurile din aceleași date.",
            f"The declared totals ({declared.number_of_entries} entries, debit {declared.total_debit}, "
            "credit "
            f"{declared.total_credit}) differ from the computed ones ({count}, {total_debit}, "
            f"{total_credit}); "
            "recompute them from the same rows.",
            "NumberOfEntries",
        )

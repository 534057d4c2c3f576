"""Checks after all passes: balance arithmetic per account, a balanced trial balance, partner
balances that add up to their accounts, and VAT declared by tax code against 4427 / 4426."""

from __future__ import annotations

from decimal import Decimal

from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity

_ZERO = Decimal("0.00")


def check_balances(ctx: Context, *, with_ledger: bool) -> None:
    add = ctx.findings.add
    for account_id, (debit, credit) in ctx.unlisted.items():
        add(
            "ACCOUNT_NOT_IN_MASTER",
            Severity.ERROR,
            EntityKind.ACCOUNT,
            account_id,
            f"Contul {account_id} are rulaje (debit {debit}, credit {credit}) dar lipsește din "
            "GeneralLedgerAccounts; adăugați-l cu soldurile lui.",
            f"Account {account_id} has movements (debit {debit}, credit {credit}) but is missing from "
            "GeneralLedgerAccounts; add it with its balances.",
            "AccountID",
        )
    opening_total = closing_total = _ZERO
    for account_id, state in ctx.accounts.items():
        synthetic = ctx.chart.synthetic_of(account_id)
        # Off-balance accounts (class 8, single entry) and optional class 9 do not balance.
        if synthetic is None or synthetic.account_class <= 7:
            opening_total += state.opening
            closing_total += state.closing
        if with_ledger:
            expected = state.opening + state.debit - state.credit
            if expected != state.closing:
                add(
                    "BALANCE_ARITHMETIC",
                    Severity.ERROR,
                    EntityKind.ACCOUNT,
                    account_id,
                    f"Contul {account_id}: sold inițial {state.opening} + rulaj debitor {state.debit} - "
                    "rulaj "
                    f"creditor {state.credit} = {expected}, dar soldul final declarat este {state.closing}. "
                    "Soldul inițial trebuie să fie soldul final al perioadei precedente.",
                    f"Account {account_id}: opening {state.opening} + debits {state.debit} - credits "
                    f"{state.credit} = {expected}, but the declared closing balance is {state.closing}. The "
                    "opening balance must be the previous period's closing balance.",
                    "ClosingDebitBalance",
                )
    for label, total in (("inițial", opening_total), ("final", closing_total)):
        if total != _ZERO:
            english = "opening" if label == "inițial" else "closing"
            add(
                "TRIAL_BALANCE_UNBALANCED",
                Severity.ERROR,
                EntityKind.LEDGER,
                "GeneralLedgerAccounts",
                f"Soldurile {label}e debitoare și creditoare ale conturilor din clasele 1-7 diferă cu "
                f"{total}; "
                "balanța de verificare trebuie să fie echilibrată.",
                f"The {english} debit and credit balances of the class 1-7 accounts differ by {total}; the "
                "trial "
                "balance must balance.",
                "OpeningDebitBalance" if label == "inițial" else "ClosingDebitBalance",
            )
    for account_id, partners_total in ctx.partner_closing.items():
        state = ctx.accounts.get(account_id)
        if state is not None and state.closing != partners_total:
            add(
                "PARTNER_BALANCES_MISMATCH",
                Severity.WARNING,
                EntityKind.ACCOUNT,
                account_id,
                f"Soldurile finale ale partenerilor pe contul {account_id} însumează {partners_total}, iar "
                "soldul "
                f"contului este {state.closing}; verificați analiticele pe parteneri.",
                f"The partners' closing balances on account {account_id} add up to {partners_total} while "
                "the "
                f"account's is {state.closing}; check the per-partner analytics.",
                "ClosingDebitBalance",
            )


def check_vat(ctx: Context) -> None:
    """VAT by tax code (invoices, self-charged GL lines) against the movements of 4427 and 4426.

    Collected: the credit movement of 4427 less its debits, closing-note lines (380200) left out,
    against sales VAT (TaxCategory.SALE), reverse-charge purchase VAT and self-charged VAT.
    Deductible: the debit movement of 4426 less its credits, closing notes left out, against
    purchase VAT (TaxCategory.PURCHASE) and reverse-charge VAT. Usual causes of a difference: VAT
    on collection moved from 4428, import VAT paid at customs (import invoices carry 000000), a tax
    code on both the revenue and the VAT line, corrections of earlier periods.
    """
    add = ctx.findings.add
    pairs = (
        (
            "VAT_COLLECTED_MISMATCH",
            "4427",
            "colectată",
            "collected",
            ctx.vat_collected_booked,
            ctx.vat_collected_declared,
        ),
        (
            "VAT_DEDUCTIBLE_MISMATCH",
            "4426",
            "deductibilă",
            "deductible",
            ctx.vat_deductible_booked,
            ctx.vat_deductible_declared,
        ),
    )
    for code, account, ro, en, booked, declared in pairs:
        if booked != declared:
            add(
                code,
                Severity.WARNING,
                EntityKind.ACCOUNT,
                account,
                f"TVA {ro} înregistrată în contul {account} în perioadă ({booked}) diferă de TVA din "
                "facturi după "
                f"codurile de taxă ({declared}), diferență {booked - declared}. ANAF reconstituie decontul "
                "(RO "
                "e-TVA) din codurile de taxă: verificați codurile facturilor și notele fără factură.",
                f"{en.capitalize()} VAT booked on {account} in the period ({booked}) differs from the "
                "invoices' VAT "
                f"by tax code ({declared}), difference {booked - declared}. ANAF rebuilds the VAT return (RO "
                "e-TVA) from the tax codes: check the invoices' codes and entries without an invoice.",
                "TaxInformation.TaxAmount",
            )

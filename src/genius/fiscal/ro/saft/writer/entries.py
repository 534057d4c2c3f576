"""Writes GeneralLedgerEntries: declared totals first, then journals, transactions and lines."""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.saft.errors import SaftInputError, input_error
from genius.fiscal.ro.saft.model.common import Amount, Side
from genius.fiscal.ro.saft.model.entries import GeneralLedgerEntries, Journal, Transaction, TransactionLine
from genius.fiscal.ro.saft.versions import SchemaVersion
from genius.fiscal.ro.saft.writer.fragment import (
    CODE,
    LONG,
    MIDDLE1,
    MIDDLE2,
    SHORT,
    Emitter,
    Fragment,
    exchange_rate,
    money,
)
from genius.fiscal.ro.saft.writer.structures import analysis, tax_information
from genius.fiscal.ro.saft.writer.tally import Tally
from genius.kernel.errors import FieldProblem

_WHERE = "GeneralLedgerEntries"


def write_totals(emitter: Emitter, where: str, number: int, debit: Any, credit: Any) -> None:
    """NumberOfEntries / TotalDebit / TotalCredit; an empty section gets start and end tags only
    (ANAF's instruction; DUK refused NumberOfEntries without entries in iConta's runs)."""
    if number == 0:
        return
    f = Fragment(where)
    f.integer("NumberOfEntries", number)
    f.money("TotalDebit", debit)
    f.money("TotalCredit", credit)
    emitter.write(f)


def _transaction_head(emitter: Emitter, where: str, item: Transaction) -> None:
    f = Fragment(where)
    f.text("TransactionID", item.transaction_id, MIDDLE2)
    if not 1 <= item.period <= 12:
        raise input_error(
            f"{where}.Period", f"{item.period} is not a month of the financial year (1-12)", "bad_period"
        )
    f.integer("Period", item.period)
    f.integer("PeriodYear", item.period_year)
    f.date("TransactionDate", item.transaction_date)
    f.opt_text("SourceID", item.source_id, MIDDLE1)
    f.opt_text("TransactionType", item.transaction_type, SHORT)
    f.text("Description", item.description, LONG)
    f.opt_text("BatchID", item.batch_id, MIDDLE1)
    f.date("SystemEntryDate", item.system_entry_date)
    f.date("GLPostingDate", item.gl_posting_date)
    f.text("CustomerID", item.customer_id, MIDDLE1)
    f.text("SupplierID", item.supplier_id, MIDDLE1)
    f.opt_text("SystemID", item.system_id, SHORT)
    emitter.write(f)


def _line(emitter: Emitter, where: str, tag: str, line: TransactionLine, tally: Tally) -> None:
    """The hot path (one call per journal line): builds the fragment with direct list operations
    instead of one method call per element; errors are re-raised with the line's full path."""
    f = Fragment(where)
    try:
        _line_parts(f, tag, line, tally)
    except SaftInputError as exc:
        raise _located(exc, f"{where}.{tag}[{line.record_id}]") from None
    emitter.write(f)
    tally.lines += 1


def _line_parts(f: Fragment, tag: str, line: TransactionLine, tally: Tally) -> None:
    ev, tx = f.events, f.texts
    record_id, account_id = line.record_id, line.account_id
    customer_id, supplier_id, description = line.customer_id, line.supplier_id, line.description
    if (
        record_id is None
        or account_id is None
        or customer_id is None
        or supplier_id is None
        or description is None
        or len(record_id) > SHORT
        or len(account_id) > MIDDLE2
        or len(customer_id) > MIDDLE1
        or len(supplier_id) > MIDDLE1
        or len(description) > LONG
    ):
        _check_line_texts(line)
    ev.append("<" + tag)
    ev.append("RecordID")
    ev.append("AccountID")
    tx.append(record_id)
    tx.append(account_id)
    if line.analysis:
        for item in line.analysis:
            analysis(f, item)
    if line.value_date is not None:
        f.date("ValueDate", line.value_date)
    if line.source_document_id is not None:
        f.text("SourceDocumentID", line.source_document_id, MIDDLE1)
    ev.extend(_PARTY_TAGS)
    tx.append(customer_id)
    tx.append(supplier_id)
    tx.append(description)
    value = line.amount
    side = line.side
    if side is Side.DEBIT:
        _amount(ev, tx, "<DebitAmount", value)
        tally.debit += value.amount
    elif side is Side.CREDIT:
        _amount(ev, tx, "<CreditAmount", value)
        tally.credit += value.amount
    else:
        raise input_error("side", f"{side!r} is neither Side.DEBIT nor Side.CREDIT", "bad_side")
    taxes = line.tax
    if not taxes:
        raise input_error(
            "TaxInformation",
            "every line needs TaxInformation (000/000000 when it has no tax relevance, S.TI.1)",
            "required",
        )
    for tax in taxes:
        if (
            tax.percentage is None
            and tax.base is None
            and tax.base_description is None
            and tax.exemption_reason is None
            and tax.declaration_period is None
            and tax.tax_type is not None
            and tax.tax_code is not None
            and len(tax.tax_type) <= CODE
            and len(tax.tax_code) <= CODE
        ):
            ev.append("<TaxInformation")
            ev.append("TaxType")
            ev.append("TaxCode")
            tx.append(tax.tax_type)
            tx.append(tax.tax_code)
            _amount(ev, tx, "<TaxAmount", tax.amount)
            ev.append(">")
        else:
            tax_information(f, "TaxInformation", tax)
    ev.append(">")


_PARTY_TAGS = ("CustomerID", "SupplierID", "Description")


def _amount(ev: list[str], tx: list[str], open_tag: str, value: Amount) -> None:
    """AmountStructure without method calls (see structures.amount for the general writer)."""
    currency = value.currency
    if currency.__class__ is not str or len(currency) != 3:
        raise input_error(f"{open_tag[1:]}.CurrencyCode", f"{currency!r} is not an ISO 4217 code", "bad_code")
    ev.append(open_tag)
    ev.extend(_AMOUNT_TAGS)
    tx.append(money(value.amount, f"{open_tag[1:]}.Amount"))
    tx.append(currency)
    other = value.currency_amount
    tx.append(tx[-2] if other is None else money(other, f"{open_tag[1:]}.CurrencyAmount"))
    if value.exchange_rate is not None:
        ev.append("ExchangeRate")
        tx.append(exchange_rate(value.exchange_rate, f"{open_tag[1:]}.ExchangeRate"))
    ev.append(">")


_AMOUNT_TAGS = ("Amount", "CurrencyCode", "CurrencyAmount")


def _check_line_texts(line: TransactionLine) -> None:
    """Slow path: say which text is missing or too long."""
    probe = Fragment("")
    probe.text("RecordID", line.record_id, SHORT)
    probe.text("AccountID", line.account_id, MIDDLE2)
    probe.text("CustomerID", line.customer_id, MIDDLE1)
    probe.text("SupplierID", line.supplier_id, MIDDLE1)
    probe.text("Description", line.description, LONG)


def _located(exc: SaftInputError, prefix: str) -> SaftInputError:
    """The same problems, with the record's path in front of each field."""
    problems = [
        FieldProblem(f"{prefix}.{p.field.lstrip('.')}" if p.field else prefix, p.code, p.message)
        for p in exc.problems
    ]
    first = problems[0]
    return SaftInputError(f"{first.field}: {first.message}", problems=problems)


def _journal(xf: Any, emitter: Emitter, journal: Journal, tally: Tally, line_tag: str) -> None:
    where = f"{_WHERE}.Journal[{journal.journal_id}]"
    with xf.element("Journal"):
        f = Fragment(where)
        f.text("JournalID", journal.journal_id, SHORT)
        f.text("Description", journal.description, LONG)
        f.text("Type", journal.journal_type, CODE)
        emitter.write(f)
        transactions = 0
        for item in journal.transactions:
            t_where = f"{where}.Transaction[{item.transaction_id}]"
            with xf.element("Transaction"):
                _transaction_head(emitter, t_where, item)
                lines = 0
                for line in item.lines:
                    _line(emitter, t_where, line_tag, line, tally)
                    lines += 1
                if not lines:
                    raise input_error(
                        f"{t_where}.{line_tag}", "a transaction needs at least one line", "required"
                    )
            transactions += 1
        if not transactions:
            raise input_error(f"{where}.Transaction", "a journal needs at least one transaction", "required")
        tally.count += transactions


def write_general_ledger(
    xf: Any, emitter: Emitter, entries: GeneralLedgerEntries | None, version: SchemaVersion
) -> Tally:
    """The GeneralLedgerEntries element; returns what was streamed (for the totals check)."""
    tally = Tally(_WHERE)
    with xf.element(_WHERE):
        if entries is None:
            return tally
        totals = entries.totals
        # Check the declared amounts' format before writing anything of the section.
        money(totals.total_debit, f"{_WHERE}.TotalDebit")
        money(totals.total_credit, f"{_WHERE}.TotalCredit")
        write_totals(emitter, _WHERE, totals.number_of_entries, totals.total_debit, totals.total_credit)
        line_tag = version.element("transaction_line")
        for journal in entries.journals:
            _journal(xf, emitter, journal, tally, line_tag)
    return tally

"""Writes GeneralLedgerEntries: declared totals first, then journals, transactions and lines."""

from __future__ import annotations

from datetime import date
from typing import Any

from genius.fiscal.ro.saft.errors import SaftInputError, input_error
from genius.fiscal.ro.saft.model.common import Amount, Side
from genius.fiscal.ro.saft.model.entries import GeneralLedgerEntries, Journal, Transaction, TransactionLine
from genius.fiscal.ro.saft.versions import SchemaVersion
from genius.fiscal.ro.saft.writer.direct import amount_markup, taxes_markup
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
from genius.fiscal.ro.saft.writer.markup import Markup, plain
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


def _head_markup(item: Transaction) -> str | None:
    """The common Transaction's start tag and head, formatted directly (``direct``); None otherwise."""
    transaction_id, period, year = item.transaction_id, item.period, item.period_year
    day, entered, posted = item.transaction_date, item.system_entry_date, item.gl_posting_date
    description, customer_id, supplier_id = item.description, item.customer_id, item.supplier_id
    source_id, kind = item.source_id, item.transaction_type
    batch_id, system_id = item.batch_id, item.system_id
    if (
        transaction_id.__class__ is not str
        or description.__class__ is not str
        or customer_id.__class__ is not str
        or supplier_id.__class__ is not str
        or len(transaction_id) > MIDDLE2
        or len(description) > LONG
        or len(customer_id) > MIDDLE1
        or len(supplier_id) > MIDDLE1
        or period.__class__ is not int
        or not 1 <= period <= 12
        or year.__class__ is not int
        or year < 0
        or not isinstance(day, date)
        or not isinstance(entered, date)
        or not isinstance(posted, date)
    ):
        return None
    free = transaction_id + description + customer_id + supplier_id
    parts = [
        f"<Transaction><TransactionID>{transaction_id}</TransactionID><Period>{period}</Period>"
        f"<PeriodYear>{year}</PeriodYear><TransactionDate>{day.isoformat()}</TransactionDate>"
    ]
    for tag, value, limit in (("SourceID", source_id, MIDDLE1), ("TransactionType", kind, SHORT)):
        if value is not None:
            if value.__class__ is not str or len(value) > limit:
                return None
            free += value
            parts.append(f"<{tag}>{value}</{tag}>")
    parts.append(f"<Description>{description}</Description>")
    if batch_id is not None:
        if batch_id.__class__ is not str or len(batch_id) > MIDDLE1:
            return None
        free += batch_id
        parts.append(f"<BatchID>{batch_id}</BatchID>")
    parts.append(
        f"<SystemEntryDate>{entered.isoformat()}</SystemEntryDate><GLPostingDate>{posted.isoformat()}"
        f"</GLPostingDate><CustomerID>{customer_id}</CustomerID><SupplierID>{supplier_id}</SupplierID>"
    )
    if system_id is not None:
        if system_id.__class__ is not str or len(system_id) > SHORT:
            return None
        free += system_id
        parts.append(f"<SystemID>{system_id}</SystemID>")
    return "".join(parts) if plain(free) else None


def _transaction_head(emitter: Emitter, where: str, item: Transaction) -> str:
    """The general path of the head (it names what is wrong)."""
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
    return "<Transaction>" + emitter.markup(f)


def _line_markup(line: TransactionLine, open_tag: str, close_tag: str, tally: Tally) -> str | None:
    """The hot path (one call per journal line): the common line formatted directly, counted in
    ``tally``; None for anything else (``_line`` then writes it or names the error)."""
    record_id, account_id = line.record_id, line.account_id
    customer_id, supplier_id, description = line.customer_id, line.supplier_id, line.description
    document = line.source_document_id
    if (
        record_id.__class__ is not str
        or account_id.__class__ is not str
        or customer_id.__class__ is not str
        or supplier_id.__class__ is not str
        or description.__class__ is not str
        or len(record_id) > SHORT
        or len(account_id) > MIDDLE2
        or len(customer_id) > MIDDLE1
        or len(supplier_id) > MIDDLE1
        or len(description) > LONG
        or line.analysis
        or line.value_date is not None
    ):
        return None
    value = line.amount
    side = line.side
    if side is Side.DEBIT:
        amount = amount_markup("DebitAmount", value)
    elif side is Side.CREDIT:
        amount = amount_markup("CreditAmount", value)
    else:
        return None
    taxes = taxes_markup(line.tax)
    if amount is None or taxes is None:
        return None
    free = record_id + account_id + customer_id + supplier_id + description
    if document is None:
        reference = ""
    elif document.__class__ is str and len(document) <= MIDDLE1:
        reference = f"<SourceDocumentID>{document}</SourceDocumentID>"
        free += document
    else:
        return None
    if not plain(free):
        return None
    if side is Side.DEBIT:
        tally.debit += value.amount
    else:
        tally.credit += value.amount
    tally.lines += 1
    return (
        f"{open_tag}<RecordID>{record_id}</RecordID><AccountID>{account_id}</AccountID>{reference}"
        f"<CustomerID>{customer_id}</CustomerID><SupplierID>{supplier_id}</SupplierID>"
        f"<Description>{description}</Description>{amount}{taxes}{close_tag}"
    )


def _line(emitter: Emitter, where: str, tag: str, line: TransactionLine, tally: Tally) -> str:
    """The general path of a line: builds the fragment with direct list operations instead of one
    method call per element; errors are re-raised with the line's full path."""
    f = Fragment(where)
    try:
        _line_parts(f, tag, line, tally)
        markup = emitter.markup(f)
    except SaftInputError as exc:
        raise _located(exc, f"{where}.{tag}[{line.record_id}]") from None
    tally.lines += 1
    return markup


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


def _journal(xf: Markup, emitter: Emitter, journal: Journal, tally: Tally, line_tag: str) -> None:
    where = f"{_WHERE}.Journal[{journal.journal_id}]"
    write = xf.write
    open_tag, close_tag = f"<{line_tag}>", f"</{line_tag}>"
    with xf.element("Journal"):
        f = Fragment(where)
        f.text("JournalID", journal.journal_id, SHORT)
        f.text("Description", journal.description, LONG)
        f.text("Type", journal.journal_type, CODE)
        emitter.write(f)
        transactions = 0
        for item in journal.transactions:
            t_where = ""  # the record's path, built only when the general path needs it
            head = _head_markup(item)
            if head is None:
                t_where = f"{where}.Transaction[{item.transaction_id}]"
                head = _transaction_head(emitter, t_where, item)
            write(head)
            lines = 0
            for line in item.lines:
                markup = _line_markup(line, open_tag, close_tag, tally)
                if markup is None:
                    t_where = t_where or f"{where}.Transaction[{item.transaction_id}]"
                    markup = _line(emitter, t_where, line_tag, line, tally)
                write(markup)
                lines += 1
            if not lines:
                raise input_error(
                    f"{where}.Transaction[{item.transaction_id}].{line_tag}",
                    "a transaction needs at least one line",
                    "required",
                )
            write("</Transaction>")
            transactions += 1
        if not transactions:
            raise input_error(f"{where}.Transaction", "a journal needs at least one transaction", "required")
        tally.count += transactions


def write_general_ledger(
    xf: Markup, emitter: Emitter, entries: GeneralLedgerEntries | None, version: SchemaVersion
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

"""CAMT.053 001.02 to 001.08: balances, booked entries only, batch bookings split, parties by version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from genius.fiscal.ro.bankstatements import StatementFormat, parse_statement_file
from genius.fiscal.ro.bankstatements.camt053 import SUPPORTED_VERSIONS
from tests.fiscal.ro.bankstatements.conftest import sample


def test_version_02_booked_entries_and_a_batch_split_per_transaction() -> None:
    parsed = parse_statement_file(sample("camt053_v02.xml"))
    assert parsed.format is StatementFormat.CAMT053
    (st,) = parsed.statements
    assert (st.account_iban, st.bank, st.currency, st.statement_id, st.sequence) == (
        "RO21INGB0000999901234567",
        "ing",
        "RON",
        "ST-0601",
        "152",
    )
    assert st.opening.amount == Decimal("1500.00") and st.closing.amount == Decimal("4285.00")
    receipt, payment, first, second = st.lines  # the pending (PDNG) entry is not a line
    assert receipt.amount == Decimal("2380.00") and receipt.counterparty_name == "ALFA CONSTRUCT SRL"
    assert receipt.counterparty_iban == "RO19BTRLRONCRT0999888701"
    assert receipt.end_to_end_id == "ALFA-PAY-0042" and receipt.bank_reference == "INGB-260601-0001"
    assert receipt.remittance_info == "Factura GEN-0042" and receipt.transaction_code == "PMNT-RCDT-ESCT"
    assert payment.amount == Decimal("-595.00") and payment.counterparty_name == "BETA LOGISTIC SA"
    assert payment.value_date == date(2026, 6, 2) and payment.end_to_end_id is None  # NOTPROVIDED
    assert (first.amount, first.counterparty_name, first.bank_reference) == (
        Decimal("600.00"),
        "GAMA FOODS SRL",
        "INGB-260601-0003-1",
    )
    assert (second.amount, second.remittance_info) == (Decimal("400.00"), "factura nr. DSV 0101")


def test_version_05_structured_remittance_debit_opening_and_datetimes() -> None:
    (st,) = parse_statement_file(sample("camt053_v05.xml")).statements
    assert st.opening.amount == Decimal("-250.00") and st.opening.date == date(2026, 6, 30)  # PRCD
    assert st.closing.date == date(2026, 7, 1) and st.sequence == "127"
    (line,) = st.lines
    assert line.booking_date == date(2026, 7, 1)
    assert line.remittance_info == "EPS 2026/118 EPS 2026/119"
    assert line.counterparty_cui == "30123455" and line.customer_reference == "OP-118"
    assert line.transaction_code == "INC-OP"


def test_version_08_party_choice_status_code_and_reversal() -> None:
    (st,) = parse_statement_file(sample("camt053_v08.xml")).statements
    assert st.account_iban == "RO16BTRLRONCRT0123456701"  # written with spaces
    receipt, reversal = st.lines
    assert receipt.counterparty_name == "DELTA SERVICII SRL" and receipt.counterparty_cui == "16341004"
    assert reversal.reversal and reversal.amount == Decimal("-489.51")
    assert reversal.remittance_info == "Stornare incasare eronata"


def _document(version: str) -> bytes:
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "07" else "<Sts>BOOK</Sts>"
    debtor = (
        "<Dbtr><Pty><Nm>ALFA SRL</Nm></Pty></Dbtr>" if version >= "08" else "<Dbtr><Nm>ALFA SRL</Nm></Dbtr>"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-01-02T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S-{version}</Id><Acct><Id><IBAN>RO54RZBR0000060012345678</IBAN></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="RON">0</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-01-02</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="RON">10.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-01-02</Dt></Dt></Bal>
<Ntry><Amt Ccy="RON">10.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>{status}<BookgDt><Dt>2026-01-02</Dt></BookgDt>
<NtryDtls><TxDtls><RltdPties>{debtor}</RltdPties><RmtInf><Ustrd>FCT 7</Ustrd></RmtInf></TxDtls></NtryDtls>
</Ntry></Stmt></BkToCstmrStmt></Document>""".encode()


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_every_supported_version(version: str) -> None:
    (st,) = parse_statement_file(_document(version)).statements
    (line,) = st.lines
    assert st.statement_id == f"S-{version}"
    assert (line.amount, line.counterparty_name, line.remittance_info) == (
        Decimal("10.50"),
        "ALFA SRL",
        "FCT 7",
    )

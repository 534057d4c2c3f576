"""Files Genius refuses, each with a message naming the line and field; hostile XML refused safely."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genius.fiscal.ro.bankstatements import (
    MalformedStatement,
    StatementError,
    StatementTooLarge,
    UnknownStatementFormat,
    UnsafeXml,
    parse_statement_file,
)
from genius.fiscal.ro.bankstatements.camt053 import MAX_STATEMENT_BYTES
from tests.fiscal.ro.bankstatements.conftest import sample

GOOD = sample("brd.txt").decode().replace("\r\n", "\n")


def refuse(data: bytes | str, kind: type[StatementError] = MalformedStatement) -> StatementError:
    with pytest.raises(kind) as caught:
        parse_statement_file(data.encode() if isinstance(data, str) else data)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "words"),
    [
        (
            ":61:2602020202C1500,00NTRFOPH1201",
            ":61:2602020202C1500.00NTRFOPH1201",
            ":61:",
            5,
            "statement line",
        ),
        (":61:2602020202C1500,00NTRFOPH1201", ":61:2613020202C1500,00NTRFOPH1201", ":61:", 5, "value date"),
        (":61:2602020202C1500,00", ":61:2602020202X1500,00", ":61:", 5, "statement line"),
        (":60F:C260202RON5000,00", ":60F:C260202RON5000", ":60F:", 4, "amount"),
        (":60F:C260202RON5000,00", ":60F:C2602RON5000,00", ":60F:", 4, "balance"),
        (":62F:C260202RON6497,50", ":62F:C260202RON6497,51", ":62F:", 14, "incomplete or altered"),
        (":62F:C260202RON6497,50", ":62F:C260202EUR6497,50", ":62F:", 14, "EUR"),
        (":25:RO76BRDE450SV12345674500", ":25:RO77BRDE450SV12345674500", ":25:", 2, "check digits"),
        (":25:RO76BRDE450SV12345674500", ":25:BRDEROBU/123456", ":25:", 2, "no IBAN"),
        (":28:00021/1", ":28:00021/1\n:32A:260202RON1,00", ":32A:", 4, "no place"),
    ],
)
def test_broken_fields_are_named_with_their_line(
    old: str, new: str, field: str, line: int, words: str
) -> None:
    assert old in GOOD
    error = refuse(GOOD.replace(old, new))
    assert error.field == field and error.line == line, error.message
    assert words in error.message and f"line {line}" in error.message
    assert error.problems[0].field == field


def test_missing_fields_and_bad_order() -> None:
    assert refuse(GOOD.replace(":25:RO76BRDE450SV12345674500\n", "")).field == ":61:"
    no_closing = GOOD.split(":62F:")[0]
    assert refuse(no_closing).field == ":62F:"
    error = refuse("junk before\n" + GOOD)
    assert (error.field, error.line) == ("file", 1)
    after = GOOD + ":61:2602020202C1,00NTRFX\n"
    assert refuse(after).field in (":61:", ":62F:")


def test_unknown_and_empty_files() -> None:
    refuse(b"", UnknownStatementFormat)
    refuse(b"Data,Suma\n2026-01-01,100\n", UnknownStatementFormat)
    refuse(b"\x00\x01:20:x:60F:", UnknownStatementFormat)
    with pytest.raises(UnknownStatementFormat, match="format 'csv'"):
        parse_statement_file(sample("brd.txt"), "csv")
    assert parse_statement_file(sample("brd.txt"), "MT940").statements
    assert refuse(
        b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.052.001.02'/>", UnknownStatementFormat
    )
    error = refuse(
        b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.12'/>", UnknownStatementFormat
    )
    assert "001.12" in error.message


def test_camt_errors_name_the_element_and_line() -> None:
    good = sample("camt053_v02.xml").decode()
    error = refuse(
        good.replace(
            '<Amt Ccy="RON">2380.00</Amt>\n        <CdtDbtInd>',
            '<Amt Ccy="RON">2,380.00</Amt>\n        <CdtDbtInd>',
            1,
        )
    )
    assert error.field == "Stmt[1]/Ntry[1]/Amt" and error.line == 29
    error = refuse(good.replace("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DEBIT</CdtDbtInd>"))
    assert error.field == "Stmt[1]/Ntry[2]/CdtDbtInd"
    error = refuse(good.replace("4285.00", "4285.01"))
    assert error.field == "Stmt[1]/Bal" and "incomplete or altered" in error.message
    error = refuse(good.replace('<Amt Ccy="RON">600.00</Amt>', '<Amt Ccy="RON">601.00</Amt>'))
    assert error.field == "Stmt[1]/Ntry[4]/NtryDtls"
    error = refuse(good.replace("</Stmt>", "</Stmtt>"))
    assert "not well-formed" in error.message and error.line is not None
    error = refuse(
        good.replace("<IBAN>RO21INGB0000999901234567</IBAN>", "<IBAN>RO21INGB0000999901234568</IBAN>")
    )
    assert error.field == "Stmt[1]/Acct/Id/IBAN"


def test_hostile_xml_is_refused_before_parsing() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol2;</Document>'
    )
    refuse(bomb, UnsafeXml)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:1/evil.dtd">'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>'
    )
    refuse(xxe, UnsafeXml)
    refuse(b"<" + b"a" * (MAX_STATEMENT_BYTES + 1), StatementTooLarge)


SAMPLE_NAMES = [
    "bcr.sta",
    "brd.txt",
    "bt.txt",
    "ing.txt",
    "raiffeisen.sta",
    "camt053_v02.xml",
    "camt053_v08.xml",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SAMPLE_NAMES),
    cuts=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40), st.binary(max_size=12)), max_size=4),
)
def test_damaged_files_parse_or_are_refused_with_a_statement_error(
    name: str, cuts: list[tuple[int, int, bytes]]
) -> None:
    data = bytearray(sample(name))
    for at, length, insert in cuts:
        at %= len(data) + 1
        data[at : at + length] = insert
    try:
        parsed = parse_statement_file(bytes(data))
    except StatementError as error:
        assert error.message and error.problems  # names what is wrong
        return
    for statement in parsed.statements:  # whatever parses still adds up
        assert statement.opening.amount + statement.movements == statement.closing.amount

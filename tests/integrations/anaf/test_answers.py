"""Reading ANAF's answers without a server: ZIP safety, error documents, XML headers, error texts."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from genius.integrations.anaf import (
    AnafAuthError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
    ProcessingState,
    open_download,
)
from genius.integrations.anaf import archive as archive_module
from genius.integrations.anaf.limits import ANAF_ZONE
from genius.integrations.anaf.results import (
    anaf_time,
    classify_message,
    read_error_document,
    read_state_answer,
    read_upload_answer,
    rule_id_of,
)


def zip_of(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


INVOICE = b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>"
SIGNATURE = b"<Signature xmlns='http://www.w3.org/2000/09/xmldsig#'/>"


def test_a_proper_pair_opens() -> None:
    data = zip_of({"3001.xml": INVOICE, "semnatura_3001.xml": SIGNATURE})
    message = open_download(data, "3001")
    assert (message.content, message.signature, message.archive) == (INVOICE, SIGNATURE, data)
    assert message.is_invoice


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"../3001.xml": INVOICE, "semnatura_3001.xml": SIGNATURE}, "path"),
        ({"/etc/3001.xml": INVOICE, "semnatura_3001.xml": SIGNATURE}, "path"),
        ({"sub/3001.xml": INVOICE, "semnatura_3001.xml": SIGNATURE}, "path"),
        ({"3001.xml": INVOICE}, "missing"),
        ({"semnatura_3001.xml": SIGNATURE}, "missing"),
        ({"3001.xml": INVOICE, "semnatura_3001.xml": SIGNATURE, "run.sh": b"rm -rf /"}, "unexpected member"),
        ({"3001.xml": INVOICE, "3002.xml": INVOICE, "semnatura_3001.xml": SIGNATURE}, "two content"),
    ],
)
def test_unsafe_or_incomplete_archives_are_refused(files: dict[str, bytes], reason: str) -> None:
    with pytest.raises(AnafProtocolError, match=reason):
        open_download(zip_of(files), "3001")


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(AnafProtocolError, match="not a ZIP"):
        open_download(b'{"eroare": "x"}', "1")


def test_zip_bomb_ratio_is_refused() -> None:
    bomb = zip_of({"1.xml": b"\0" * (4 * 1024 * 1024), "semnatura_1.xml": SIGNATURE})
    assert len(bomb) < 50_000
    with pytest.raises(AnafProtocolError, match="ZIP bomb"):
        open_download(bomb, "1")


def test_member_size_is_counted_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1000)
    big = zip_of(
        {"1.xml": b"<a>" + b"x" * 5000 + b"</a>", "semnatura_1.xml": SIGNATURE},
        compression=zipfile.ZIP_STORED,
    )
    with pytest.raises(AnafProtocolError, match=r"1\.xml"):
        open_download(big, "1")


def test_error_document_names_rules_and_duplicates() -> None:
    document = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<header xmlns="mfp:anaf:dgti:efactura:mesajEroriFactuta:v1" Index_incarcare="5025079551" '
        b'Cif_emitent="35913862">'
        b'<Error errorMessage="[BR-RO-065]-Identificatorul (BT-32) trebuie sa fie inscris.&#xA;&#x9;'
        b'#The Seller (BT-32)."/>'
        b'<Error errorMessage="E: validari globale sintactice [BR-CO-15] total"/>'
        b'<Error errorMessage="Factura a mai fost transmisa anterior cu index=5011 '
        b'si data incarcare=2026-01-20"/>'
        b"</header>"
    )
    report = read_error_document(document)
    assert report is not None
    assert (report.upload_index, report.seller_cif) == ("5025079551", "35913862")
    assert report.rule_ids == ("BR-RO-065", "BR-CO-15")
    assert report.duplicate_of == "5011"
    assert "\t" not in report.errors[0].message and "\n" not in report.errors[0].message
    assert read_error_document(INVOICE) is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [("[UBL-SR-12]-x", "UBL-SR-12"), ("[BR-DEC-RO-09]-y", "BR-DEC-RO-09"), ("regula BR-S-08 z", "BR-S-08"),
     ("[BR-IC-02]-w", "BR-IC-02"), ("fara regula", None)],
)  # fmt: skip
def test_rule_ids(text: str, rule: str | None) -> None:
    assert rule_id_of(text) == rule


def test_upload_answers() -> None:
    ok = (
        b'<header xmlns="mfp:anaf:dgti:spv:respUploadFisier:v1" dateResponse="202501151030" '
        b'ExecutionStatus="0" index_incarcare="5001"/>'
    )
    receipt = read_upload_answer(ok, cif="1", b2c=False, family="efactura.upload")
    assert receipt.upload_index == "5001"
    assert receipt.answered_at == datetime(2025, 1, 15, 10, 30, tzinfo=ANAF_ZONE)
    refused = (
        b'<header xmlns="mfp:anaf:dgti:spv:respUploadFisier:v1" ExecutionStatus="1">'
        b'<Errors errorMessage="Fisierul transmis nu este valid."/></header>'
    )
    with pytest.raises(AnafRejected) as rejected:
        read_upload_answer(refused, cif="1", b2c=False, family="efactura.upload")
    assert rejected.value.messages == ("Fisierul transmis nu este valid.",)
    with pytest.raises(AnafProtocolError):
        read_upload_answer(b"<html>oops</html>", cif="1", b2c=False, family="efactura.upload")
    with pytest.raises(AnafProtocolError):
        read_upload_answer(b"not xml", cif="1", b2c=False, family="efactura.upload")


def test_state_answers() -> None:
    head = b'<header xmlns="mfp:anaf:dgti:efactura:stareMesajFactura:v1" '
    assert read_state_answer(
        head + b'stare="In prelucrare"/>', upload_index="1", family="f", limit="l"
    ).state is (ProcessingState.PROCESSING)
    nok = read_state_answer(
        head + b'stare="nok" id_descarcare="9"/>', upload_index="1", family="f", limit="l"
    )
    assert (nok.state, nok.download_id) == (ProcessingState.NOK, "9")
    with pytest.raises(AnafProtocolError, match="without id_descarcare"):
        read_state_answer(head + b'stare="ok"/>', upload_index="1", family="f", limit="l")
    with pytest.raises(AnafProtocolError, match="unknown state"):
        read_state_answer(head + b'stare="maybe"/>', upload_index="1", family="f", limit="l")
    with pytest.raises(AnafAuthError):
        read_state_answer(
            head + b'><Errors errorMessage="Nu exista niciun CIF petru care sa aveti drept"/></header>',
            upload_index="1",
            family="f",
            limit="l",
        )


def test_error_texts_are_classified() -> None:
    def kind(text: str) -> type:
        return type(classify_message(text, family="f", limit="descarcare_per_message", key="1"))

    assert kind("S-au facut deja 20 descarcari de mesaj in cursul zilei") is AnafLimitReached
    assert kind("Nu aveti dreptul de inteorgare pentru id_incarcare= 18") is AnafAuthError
    assert kind("A aparut o eroare tehnica. Cod: 4003") is AnafUnavailable
    assert kind("Id_incarcare introdus= aaa nu este un numar intreg") is AnafRejected


def test_anaf_times() -> None:
    assert anaf_time("202212311405") == datetime(2022, 12, 31, 14, 5, tzinfo=ANAF_ZONE)
    assert anaf_time("") is None and anaf_time("garbage") is None

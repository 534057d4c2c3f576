"""Reading ANAF's JSON answers: an object, or an AnafProtocolError that names the answer and the family."""

from __future__ import annotations

import httpx
import pytest

from genius.integrations.anaf.errors import AnafProtocolError
from genius.integrations.anaf.transport import json_object


def _response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


def test_a_json_object_is_returned() -> None:
    assert json_object(_response(b'{"found": []}'), what="VAT registry: answer", family="vat") == {
        "found": []
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>firewall</html>", "VAT registry: answer is not JSON: b'<html>"),
        (b"[1, 2]", "is not a JSON object"),
    ],
)
def test_anything_else_is_a_protocol_error_naming_the_answer(body: bytes, expected: str) -> None:
    with pytest.raises(AnafProtocolError) as caught:
        json_object(_response(body), what="VAT registry: answer", family="vat")
    assert expected in str(caught.value) and caught.value.family == "vat"

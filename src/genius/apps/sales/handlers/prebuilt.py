"""The UBL of an issue built and validated before its number is known; the number spliced in later.

Building the UBL and running the e-Factura validator take most of an issue's time. Done inside
the series lock they cap one series at a few hundred issues a second however many processes
serve it, so they run before the lock, on the document under a *placeholder*: the number the
series would give next (``Series.peek``), which has the same format as the real number. Under
the lock only the number is taken and written into the bytes already built (:func:`splice`).

Why the result is exactly what building and validating under the real number would give:

- Bytes. The writer emits the number in two places only: BT-1 (the document's first ``cbc:ID``,
  right after ``cbc:CustomizationID`` and ``cbc:ProfileID``) and BT-83 (``cbc:PaymentID``) where
  the payment reference is the number (``renumbered`` replaces exactly the references equal to
  the placeholder). Numbers are written as text with no escaping when they use only
  ``A-Z a-z 0-9 _ . / -`` (what a series prefix allows; the rest is digits and ``-``), so
  replacing those elements' text byte for byte gives the serialization of the renumbered model.
  Any other case (a character that would be escaped, BT-1 not where expected) is refused by
  :func:`splice`, and the caller builds under the lock as before.
- Verdict. The validator reads BT-1 in three rules: present and not empty (BR-02), contains a
  digit (BR-RO-010), at most 200 characters (BR-RO-L155); and BT-83 in two: at most 140
  characters (BR-RO-L140) and one distinct value in the document (UBL-SR-44). Both the
  placeholder and the number are in :data:`SAFE_NUMBER` (a digit, 1 to 140 safe characters,
  no whitespace for the XSD's normalization to change), so the first four give the same answer;
  the distinct count is the same unless the real number already stood as another payment
  reference, which :func:`splice` checks and refuses. No other rule looks at these values
  (BR-64 and the code-list checks look at ``cbc:ID`` elements inside items and tax schemes, by
  position and attributes, not at the root's text).

The document's JSON form (stored beside the XML) is also written before the lock and renumbered
by :func:`splice_json`: a safe number is a JSON string without escapes, so the renumbered model's
serialization differs only in the string values that were the placeholder (BT-1 and the BT-83
references ``renumbered`` replaces). When the placeholder stands as a whole value anywhere else
(a note that is exactly the placeholder), the count differs and the caller serializes again.
"""

from __future__ import annotations

import re
from typing import Final

SAFE_NUMBER: Final = re.compile(r"^(?=.*[0-9])[A-Za-z0-9_./-]{1,140}$")
_FIRST_ID: Final = b"<cbc:ID>"
_PAYMENT_ID: Final = re.compile(rb"<cbc:PaymentID>([^<]*)</cbc:PaymentID>")


def splicable(number: str) -> bool:
    """Whether ``number`` may stand in for (or be stood in for by) another of its series."""
    return SAFE_NUMBER.match(number) is not None


def splice(xml: bytes, placeholder: str, number: str) -> bytes | None:
    """``xml`` (built under ``placeholder``) with ``number`` in BT-1 and in the BT-83 references
    that were the placeholder; ``None`` when that would not be the direct build's bytes or
    verdict (the caller then builds and validates under the real number)."""
    if number == placeholder:
        return xml
    if not (splicable(placeholder) and splicable(number)):
        return None
    old, new = placeholder.encode("ascii"), number.encode("ascii")
    start = xml.find(_FIRST_ID)
    if start < 0 or not xml.startswith(old + b"</cbc:ID>", start + len(_FIRST_ID)):
        return None
    references = {m.group(1) for m in _PAYMENT_ID.finditer(xml)}
    if new in references and old in references:
        return None  # two references would become one: UBL-SR-44 could change its verdict
    at = start + len(_FIRST_ID)
    head = xml[:at] + new + xml[at + len(old) :]
    if old not in references:
        return head
    return head.replace(_reference(old), _reference(new))


def splice_json(text: str, placeholder: str, number: str, references: int) -> str | None:
    """``text`` (``canonical`` JSON of the model under ``placeholder``, where BT-1 and
    ``references`` BT-83 payment references hold it) with ``number`` in those values; ``None``
    when the placeholder stands elsewhere too (the caller serializes the renumbered model)."""
    if number == placeholder:
        return text
    if not (splicable(placeholder) and splicable(number)):
        return None
    old = f'"{placeholder}"'
    if text.count(old) != 1 + references:
        return None
    return text.replace(old, f'"{number}"')


def _reference(number: bytes) -> bytes:
    return b"<cbc:PaymentID>" + number + b"</cbc:PaymentID>"

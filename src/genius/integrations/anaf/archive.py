"""The SPV download: a ZIP with ``{id}.xml`` and ``semnatura_{id}.xml``, opened defensively.

The pair is the legal original (keep ``archive`` bytes as received for the retention period).
Opening refuses, with ``AnafProtocolError``: anything but a ZIP, more than a few members, names
with folders or ``..`` (path traversal), names other than the two expected patterns, members
larger than ``MAX_MEMBER_BYTES`` once inflated (counted while reading, not trusted from the
header), suspicious compression ratios (ZIP bombs), encrypted members and a missing half.
Nothing is written to disk: members are read into memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from genius.integrations.anaf.errors import AnafProtocolError
from genius.integrations.anaf.results import SpvErrorReport, read_error_document

if TYPE_CHECKING:
    from genius.fiscal.ro.efactura.model import Invoice

FAMILY = "efactura.download"
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # ANAF takes invoices up to 10 MB; room for attachments' base64
MAX_MEMBERS = 4
MAX_RATIO = 200  # inflated / compressed; XML compresses ~10-30x, bombs by thousands
CONTENT_NAME = re.compile(r"^(\d+)\.xml$")
SIGNATURE_NAME = re.compile(r"^semnatura_(\d+)\.xml$")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class DownloadedMessage:
    """One downloaded SPV message: the invoice (or error document) and ANAF's signature."""

    download_id: str
    archive: bytes
    content_name: str
    content: bytes
    signature_name: str
    signature: bytes

    @cached_property
    def errors(self) -> SpvErrorReport | None:
        """The rejection report when the content is ANAF's error document (a ``nok`` upload)."""
        return read_error_document(self.content)

    @property
    def is_invoice(self) -> bool:
        return self.errors is None

    def invoice(self) -> Invoice:
        """The content read into the EN 16931 model (``ParseError`` when it is not an invoice)."""
        from genius.fiscal.ro.efactura.parse import parse_xml

        return parse_xml(self.content)


def _refuse(download_id: str, reason: str) -> AnafProtocolError:
    return AnafProtocolError(
        f"ANAF download {download_id}: unsafe or incomplete archive: {reason}", family=FAMILY
    )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, download_id: str) -> bytes:
    if info.flag_bits & 0x1:
        raise _refuse(download_id, f"{info.filename!r} is encrypted")
    if info.file_size > MAX_MEMBER_BYTES:
        raise _refuse(download_id, f"{info.filename!r} declares {info.file_size} bytes")
    if (
        info.compress_size
        and info.file_size / info.compress_size > MAX_RATIO
        and info.file_size > 1024 * 1024
    ):
        raise _refuse(download_id, f"{info.filename!r} compression ratio looks like a ZIP bomb")
    out = io.BytesIO()
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            out.write(chunk)
            if out.tell() > MAX_MEMBER_BYTES:
                raise _refuse(download_id, f"{info.filename!r} inflates beyond {MAX_MEMBER_BYTES} bytes")
    return out.getvalue()


def open_download(data: bytes, download_id: str) -> DownloadedMessage:
    """Check and read the ZIP ANAF returned for ``descarcare?id=download_id``."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise _refuse(download_id, f"{len(data)} bytes exceed {MAX_ARCHIVE_BYTES}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _refuse(download_id, f"not a ZIP ({exc})") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _refuse(download_id, f"{len(infos)} members, expected 2")
        content: tuple[str, bytes] | None = None
        signature: tuple[str, bytes] | None = None
        for info in infos:
            name = info.filename
            if "/" in name or "\\" in name or ".." in name or name.startswith(("/", "~")) or ":" in name:
                raise _refuse(download_id, f"member name {name!r} has a path")
            if info.is_dir():
                raise _refuse(download_id, f"member {name!r} is a folder")
            if CONTENT_NAME.match(name):
                if content is not None:
                    raise _refuse(download_id, "two content files")
                content = (name, _read_member(archive, info, download_id))
            elif SIGNATURE_NAME.match(name):
                if signature is not None:
                    raise _refuse(download_id, "two signature files")
                signature = (name, _read_member(archive, info, download_id))
            else:
                raise _refuse(download_id, f"unexpected member {name!r}")
        if content is None or signature is None:
            raise _refuse(download_id, "the invoice file or the signature file is missing")
    return DownloadedMessage(download_id, data, content[0], content[1], signature[0], signature[1])


__all__ = ["MAX_MEMBER_BYTES", "DownloadedMessage", "open_download"]

"""Small helpers for D406 tests: write to bytes, parse, query with the D406 namespace."""

from __future__ import annotations

import io
from typing import Any

from lxml import etree

from genius.fiscal.ro.saft import FILING_NAMESPACE, write_d406

NS = {"d": FILING_NAMESPACE}


def write(*args: Any, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    write_d406(out, *args, **kwargs)
    return out.getvalue()


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def texts(root: etree._Element, path: str) -> list[str]:
    return [node.text or "" for node in root.xpath(path, namespaces=NS)]


def count(root: etree._Element, path: str) -> int:
    return len(root.xpath(path, namespaces=NS))

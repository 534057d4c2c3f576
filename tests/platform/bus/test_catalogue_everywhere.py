"""Every message type that exists once *all* of genius is imported is in docs/events.md.

``discover()`` imports only ``events``/``messages`` modules, but the catalogue absorbs any kernel
``Event`` subclass when it is published, wherever it is declared (and ``@register`` works in any
module). So this test imports every module under ``genius`` and checks what the catalogue then
holds: a type declared in, say, a handlers module and never documented fails here.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar

import genius
from genius.kernel.messages import Event
from genius.platform.bus.catalogue import CATALOGUE, Catalogue, parse_catalogue_headings

PLANTED_MODULE = "genius.apps.sales.handlers.planted"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "events.md"


def import_everything() -> None:
    failures = {}
    for info in pkgutil.walk_packages(genius.__path__, prefix="genius."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # every module must import, or its types would go unseen
            failures[info.name] = repr(exc)
    assert failures == {}, "modules that do not import"


def uncatalogued(catalogue: Catalogue, document: str) -> set[str]:
    """Product types the catalogue holds (registered or absorbed) that docs/events.md does not list."""
    documented = parse_catalogue_headings(document)
    return {
        f"{t.name} v{t.version} ({t.data_class.__module__})"
        for t in catalogue.all()
        if t.data_class.__module__.startswith("genius.") and (t.name, t.version) not in documented
    } | {
        f"{cls.__module__}.{cls.__qualname__}: {err}"
        for cls, err in catalogue.rejected.items()
        if cls.__module__.startswith("genius.")
    }


def test_every_type_of_every_module_is_documented() -> None:
    import_everything()
    assert uncatalogued(CATALOGUE, DOCS.read_text()) == set()


def test_a_type_declared_outside_an_events_module_is_caught() -> None:
    # A stand-in module (its annotations resolve in its namespace), removed afterwards.
    fake = types.ModuleType(PLANTED_MODULE)
    fake.__dict__.update(ClassVar=ClassVar, Annotated=Annotated)
    sys.modules[PLANTED_MODULE] = fake

    @dataclass(frozen=True)
    class Planted(Event):
        """A type a handler module declared on its own."""

        event_type: ClassVar[str] = "sales.invoice.planted"
        schema_version: ClassVar[int] = 1
        note: Annotated[str, "anything"] = ""

    Planted.__module__ = PLANTED_MODULE
    try:
        found = uncatalogued(Catalogue(), DOCS.read_text())  # a fresh catalogue: the global stays clean
        assert found == {f"sales.invoice.planted v1 ({PLANTED_MODULE})"}
    finally:
        del Planted, sys.modules[PLANTED_MODULE]
        gc.collect()  # gone from Event.__subclasses__() before anything else walks it

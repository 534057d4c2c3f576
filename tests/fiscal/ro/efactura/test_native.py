"""The optional compiled e-Factura modules: used only while current, and identical to plain Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genius.fiscal.ro.efactura import _native

PROJECT_ROOT = Path(__file__).resolve().parents[4]


def test_an_extension_is_current_only_with_the_hash_of_its_source(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text("X = 1\n", encoding="utf-8")
    extension = str(tmp_path / "mod.cpython-311-x86_64-linux-gnu.so")
    assert not _native._current(extension, str(source))  # no hash recorded: the source is used
    Path(extension + _native.HASH_SUFFIX).write_text(_native.source_digest(source) + "\n", encoding="ascii")
    assert _native._current(extension, str(source))
    source.write_text("X = 2\n", encoding="utf-8")  # edited after the build
    assert not _native._current(extension, str(source))


def test_every_listed_module_exists_as_source() -> None:
    package = PROJECT_ROOT / "src" / "genius" / "fiscal" / "ro" / "efactura"
    for name in _native.NATIVE_MODULES:
        assert (package / (name.replace(".", "/") + ".py")).is_file(), name


def _run(validation_dir: Path, pure: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.pop(_native.PURE_ENV, None)
    if pure:
        env[_native.PURE_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "tests.fiscal.ro.efactura.native_findings", str(validation_dir)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_compiled_and_pure_python_engines_give_identical_findings_and_xml(validation_dir: Path) -> None:
    compiled = _run(validation_dir, pure=False)
    if not compiled["compiled"]:
        pytest.skip("the optional compiled modules are not built here (pip install -e . builds them)")
    pure = _run(validation_dir, pure=True)
    assert pure["compiled"] == []
    assert len(compiled["findings"]) > 1000  # type: ignore[arg-type]
    assert compiled["built"] == pure["built"]
    differing = [k for k, v in compiled["findings"].items() if pure["findings"].get(k) != v]  # type: ignore[union-attr]
    assert not differing, differing[:10]
    assert compiled["findings"] == pure["findings"]

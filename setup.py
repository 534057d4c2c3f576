"""Optional compiled form of the e-Factura engine's hot modules (Cython, from the unchanged .py sources).

Everything else about the package is declared in pyproject.toml. The extensions are optional:
without Cython (``pip install --no-build-isolation`` in an environment lacking it), with
``GENIUS_NO_NATIVE=1``, or when the C compiler fails, the install still succeeds and the
engine runs as plain Python (see src/genius/fiscal/ro/efactura/_native.py, which also refuses an
extension whose source changed after the build). The generated C goes to build/ (not the tree).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

SRC = Path(__file__).resolve().parent / "src"
sys.path.insert(0, str(SRC / "genius" / "fiscal" / "ro" / "efactura"))
import _native  # noqa: E402  (only its module list and hash function; stdlib-only)

sys.path.pop(0)


class OptionalBuildExt(build_ext):
    """Compiles in parallel and records each extension's source hash beside it; failures only warn."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1

    def build_extension(self, ext) -> None:  # type: ignore[no-untyped-def]
        try:
            super().build_extension(ext)
        except Exception as exc:  # a compiler problem must never fail the install
            print(f"warning: {ext.name} not compiled ({exc}); it runs as plain Python", file=sys.stderr)
            return
        source = SRC.parent / _SOURCES[ext.name]
        Path(self.get_ext_fullpath(ext.name) + _native.HASH_SUFFIX).write_text(
            _native.source_digest(source) + "\n", encoding="ascii"
        )

    # An editable install builds in build/ and then copies each extension into src/: the hash
    # file goes with it (both ways setuptools does that copy).
    def copy_extensions_to_source(self) -> None:
        super().copy_extensions_to_source()
        for built, inplace in self._hash_files():
            if os.path.exists(built):
                self.copy_file(built, inplace, level=self.verbose)

    def _get_output_mapping(self):  # type: ignore[no-untyped-def]
        yield from super()._get_output_mapping()
        if self.inplace:
            yield from self._hash_files()

    def _hash_files(self) -> list[tuple[str, str]]:
        build_py = self.get_finalized_command("build_py")
        pairs = []
        for ext in self.extensions:
            inplace, built = self._get_inplace_equivalent(build_py, ext)
            pairs.append((built + _native.HASH_SUFFIX, inplace + _native.HASH_SUFFIX))
        return pairs


# Extension name -> its .py (after cythonize an extension's sources are the generated C).
_SOURCES = {
    f"{_native.PACKAGE}.{name}": "src/genius/fiscal/ro/efactura/" + name.replace(".", "/") + ".py"
    for name in _native.NATIVE_MODULES
}


def extensions() -> list:  # type: ignore[type-arg]
    if os.environ.get("GENIUS_NO_NATIVE") == "1":
        return []
    try:
        from Cython.Build import cythonize
        from setuptools import Extension
    except ImportError:
        print("warning: Cython not available; the e-Factura engine runs as plain Python", file=sys.stderr)
        return []
    # No debug info (gcc -g0): smaller extensions, a shorter build.
    modules = [
        Extension(name, [path], optional=True, extra_compile_args=["-g0"]) for name, path in _SOURCES.items()
    ]
    try:
        return cythonize(
            modules,
            build_dir="build/cython",
            quiet=True,
            nthreads=os.cpu_count() or 1,
            # The same semantics as the interpreter: annotations are not turned into C types.
            compiler_directives={"language_level": 3, "annotation_typing": False, "binding": True},
        )
    except Exception as exc:  # a Cython problem must never fail the install either
        print(f"warning: Cython failed ({exc}); the e-Factura engine runs as plain Python", file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})

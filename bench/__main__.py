"""Run the benchmarks: ``python -m bench [name ...]``; each prints its results as Markdown.

Every ``bench/<name>.py`` that defines ``run() -> str`` is a benchmark. Results are printed and
appended to ``bench/out/<date>.md`` so they can be copied into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine_line() -> str:
    import os

    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    header = f"## Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\nMachine: {machine_line()}\n"
    print(header)
    sections = [header]
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"### {name}", flush=True)
        text = module.run()
        print(text, flush=True)
        sections.append(f"### {name}\n\n{text}\n")
    (out_dir / f"{dt.date.today():%Y-%m-%d}.md").open("a").write("\n".join(sections) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Workers and their kit: PDF render, OCR (speed and character accuracy), object storage, Resilient overhead.

``python -m bench workers``. Redis-shared breaker numbers appear when GENIUS_TEST_REDIS_URL is set.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from genius.platform.resilience import MemoryBreakerStore, Policy, RedisBreakerStore, Resilient
from genius.platform.storage import LocalObjectStore
from genius.workers.ocr import read_document
from genius.workers.pdf_render import render_pdf

LINES = [
    "Factură fiscală seria GEN nr. 2026-0001",
    "Furnizor: Întreprinderea Științifică Brașov SRL",
    "Client: Țesătoria Ardeleană din Târgu Mureș",
    "Plată în treizeci de zile; mulțumim pentru încredere",
    "Total de plată: 1.234,56 lei, din care TVA 19%",
]
INVOICE = """<h1>Factură {{ n }}</h1><table>{% for i in range(rows) %}
<tr><td>{{ i + 1 }}</td><td>Servicii de consultanță fiscală, luna {{ i + 1 }}</td><td>1.000,00</td></tr>
{% endfor %}</table>"""


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _accuracy(reference: str, found: str) -> float:
    ref, hyp = " ".join(reference.split()), " ".join(found.split())
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return 1 - previous[-1] / len(ref)


def _png(lines: list[str]) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 32)
    image = Image.new("L", (1400, 60 + 56 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((40, 30 + 56 * n), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def run() -> str:
    rows: list[str] = ["| what | result |", "| --- | --- |"]
    render_pdf(INVOICE, {"n": "warm-up", "rows": 1})
    for lines in (10, 200):
        times = _timed(lambda n=lines: render_pdf(INVOICE, {"n": "GEN-1", "rows": n}), 5)
        pdf, pages = render_pdf(INVOICE, {"n": "GEN-1", "rows": lines})
        rows.append(
            f"| pdf.render, {lines}-line invoice ({pages} page(s), {len(pdf) // 1024} KiB) | "
            f"median {statistics.median(times) * 1000:.0f} ms |"
        )
    png = _png(LINES)
    ocr_times = _timed(lambda: read_document(png), 3)
    result = read_document(png)
    rows.append(
        f"| ocr, 5 Romanian lines PNG (ron, psm 6) | median {statistics.median(ocr_times) * 1000:.0f} ms; "
        f"character accuracy {_accuracy(chr(10).join(LINES), result.text):.2%}; "
        f"mean word confidence {result.mean_confidence:.1f} |"
    )
    pdf, _ = render_pdf(
        "{% for l in lines %}<p>{{ l }}</p>{% endfor %}", {"lines": LINES}, "html{font-size:14pt}"
    )
    pdf_result = read_document(pdf, dpi=300)
    rows.append(
        f"| ocr, the same text as a rendered PDF page (pdftoppm 300 dpi) | character accuracy "
        f"{_accuracy(chr(10).join(LINES), pdf_result.text):.2%} |"
    )
    with tempfile.TemporaryDirectory() as folder:
        store = LocalObjectStore(Path(folder))
        blob = os.urandom(100 * 1024)
        puts = _timed(
            lambda: store.put("acme", f"bench/{uuid.uuid4().hex}.bin", blob, "application/octet-stream"), 200
        )
        store.put("acme", "bench/read.bin", blob, "application/octet-stream")
        gets = _timed(lambda: store.get("acme", "bench/read.bin"), 200)
        put_ms, get_ms = statistics.median(puts) * 1000, statistics.median(gets) * 1000
        rows.append(
            f"| storage put 100 KiB (fsync) / get (sha256 checked) | {put_ms:.2f} / {get_ms:.2f} ms |"
        )
    noop = Resilient("bench.noop", Policy(timeout=None), store=MemoryBreakerStore())
    us = _per_call(lambda: noop.call(int))
    rows.append(f"| Resilient.call, in-process breaker, no timeout | {us:.1f} µs/call |")
    timed = Resilient("bench.timed", Policy(timeout=5.0), store=MemoryBreakerStore())
    us = _per_call(lambda: timed.call(int))
    rows.append(f"| Resilient.call with a timeout (helper thread) | {us:.1f} µs/call |")
    url = os.environ.get("GENIUS_TEST_REDIS_URL")
    if url:
        store_r = RedisBreakerStore.from_url(url, prefix=f"bench:{uuid.uuid4().hex[:6]}:")
        shared = Resilient("bench.redis", Policy(timeout=None), store=store_r)
        us = _per_call(lambda: shared.call(int))
        rows.append(f"| Resilient.call, breaker shared in Redis (2 Lua calls) | {us:.1f} µs/call |")
        store_r.reset("bench.redis")
        store_r.close()
    return "\n".join(rows)


def _per_call(fn: Callable[[], object], n: int = 2000) -> float:
    for _ in range(100):
        fn()
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1e6


if __name__ == "__main__":
    print(run())

"""JSON log lines carry trace, tenant and user; the metrics registry is shared and idempotent."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from genius.platform.observability import (
    REGISTRY,
    bound_log_context,
    configure_logging,
    configure_tracing,
    counter,
    gauge,
    get_logger,
    get_tracer,
    histogram,
    render_metrics,
)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("INFO", json_output=True, stream=stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_log_lines_are_json_with_trace_tenant_and_user(log_stream: io.StringIO) -> None:
    configure_tracing()
    log = get_logger("genius.test")
    with get_tracer().start_as_current_span("work") as span, bound_log_context(tenant="acme", user_id="u-1"):
        log.info("invoice issued", number="F-1")
    trace_hex = f"{span.get_span_context().trace_id:032x}"
    (line,) = [entry for entry in _lines(log_stream) if entry.get("event") == "invoice issued"]
    assert line["trace_id"] == trace_hex
    assert line["tenant"] == "acme" and line["user_id"] == "u-1"
    assert line["number"] == "F-1" and line["level"] == "info" and line["logger"] == "genius.test"
    assert str(line["timestamp"]).endswith("Z")


def test_bound_context_ends_with_its_block(log_stream: io.StringIO) -> None:
    log = get_logger("genius.test")
    with bound_log_context(tenant="acme"):
        log.info("inside")
    log.info("outside")
    lines = {entry["event"]: entry for entry in _lines(log_stream)}
    assert lines["inside"]["tenant"] == "acme"
    assert "tenant" not in lines["outside"]
    assert "trace_id" not in lines["outside"]


def test_standard_library_loggers_share_the_format(log_stream: io.StringIO) -> None:
    with bound_log_context(tenant="beta"):
        logging.getLogger("some.library").warning("disk %s almost full", "/var")
    (line,) = [entry for entry in _lines(log_stream) if entry.get("logger") == "some.library"]
    assert (
        line["event"] == "disk /var almost full" and line["level"] == "warning" and line["tenant"] == "beta"
    )


def test_records_skip_what_no_line_shows(log_stream: io.StringIO) -> None:
    """No caller stack walk, thread or process lookup per record: the JSON line never shows them."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    keep = Keep()
    logging.getLogger().addHandler(keep)
    try:
        logging.getLogger("some.library").warning("checked")
    finally:
        logging.getLogger().removeHandler(keep)
    (record,) = seen
    assert (record.lineno, record.thread, record.process) == (0, None, None)
    assert [e["event"] for e in _lines(log_stream) if e.get("logger") == "some.library"] == ["checked"]


def test_lines_below_the_level_are_dropped(log_stream: io.StringIO) -> None:
    configure_logging("WARNING", stream=log_stream)
    get_logger("genius.test").info("quiet")
    get_logger("genius.test").warning("loud")
    assert [entry["event"] for entry in _lines(log_stream)] == ["loud"]


def test_exceptions_are_rendered_into_the_line(log_stream: io.StringIO) -> None:
    try:
        raise ValueError("bad thing")
    except ValueError:
        get_logger("genius.test").exception("failed")
    (line,) = _lines(log_stream)
    assert "ValueError: bad thing" in str(line["exception"])


def test_metrics_are_get_or_create_on_the_shared_registry() -> None:
    first = counter("genius_test_things", "Things counted by a test.", ("kind",))
    again = counter("genius_test_things", "Things counted by a test.", ("kind",))
    assert first is again
    first.labels("a").inc(3)
    assert REGISTRY.get_sample_value("genius_test_things_total", {"kind": "a"}) == 3
    with pytest.raises(TypeError, match="already exists as Counter"):
        gauge("genius_test_things", "clash")
    histogram("genius_test_seconds", "A test histogram.").observe(0.02)
    payload, content_type = render_metrics()
    text = payload.decode()
    assert content_type.startswith("text/plain")
    assert 'genius_test_things_total{kind="a"} 3.0' in text
    assert "genius_test_seconds_bucket" in text
    assert "process_cpu_seconds_total" in text  # process collectors are on the same registry

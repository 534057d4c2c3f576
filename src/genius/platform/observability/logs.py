"""Structured JSON logs (structlog over the standard library) carrying trace id, tenant and user."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from opentelemetry import trace

from genius.platform.settings import Settings

# The handler we install on the root logger is tagged so a second configure replaces it.
_HANDLER_TAG = "_genius_handler"


def _add_trace_ids(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Every line logged inside a span names its trace, so logs join traces (API, worker, CLI)."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        _add_trace_ids,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: str = "INFO", *, json_output: bool = True, stream: TextIO | None = None) -> None:
    """Route structlog and standard-library logs (uvicorn, SQLAlchemy) to one formatter.

    JSON lines by default (one object per line: ``timestamp``, ``level``, ``event``, ``logger``,
    plus ``trace_id``, ``tenant``, ``user_id`` when bound); ``json_output=False`` gives readable
    console lines for a developer. Safe to call again: the previous handler is replaced.
    """
    shared = _shared_processors()
    renderer: Any = (
        structlog.processors.JSONRenderer() if json_output else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if json_output else structlog.processors.StackInfoRenderer(),
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    setattr(handler, _HANDLER_TAG, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_TAG, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # No line shows a record's source file, thread or process, so the standard library need not
    # work them out per record (the Logging HOWTO's "Optimization" switches): finding the caller
    # walks the stack, ~30 % of the gateway's per-request cost with its access-log line.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    # One line per outbound HTTP call at INFO is noise; their warnings still show.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # uvicorn's own access log is replaced by the gateway's (which has trace id and route).
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True


def configure_logging_for(settings: Settings) -> None:
    """``configure_logging`` from settings: JSON unless ``log_json`` is false; when ``log_json``
    was not set anywhere, readable lines for a person at a terminal and JSON otherwise."""
    json_output = settings.log_json if "log_json" in settings.model_fields_set else not sys.stderr.isatty()
    configure_logging(settings.log_level, json_output=json_output)


def _configure_structlog() -> None:
    structlog.configure(
        # filter_by_level first: a line below the level costs one comparison, not the chain.
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


# structlog goes through the standard library from import on, so a logger cached on first use
# (before configure_logging ran) still ends at the handler configure_logging installs.
_configure_structlog()


def get_logger(name: str) -> Any:
    """A structlog logger; module code calls ``get_logger(__name__)`` once at import."""
    return structlog.get_logger(name)


@contextmanager
def bound_log_context(**values: Any) -> Iterator[None]:
    """Bind values (tenant, user_id, job_id...) to every log line inside the block, then unbind."""
    with structlog.contextvars.bound_contextvars(**values):
        yield

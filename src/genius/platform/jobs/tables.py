"""The jobs table (tenant databases, schema "jobs") and the worker registry (control plane)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(schema="jobs")

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    # The worker tag (worker.request.<tag>).
    sa.Column("tag", sa.String(100), nullable=False),
    # queued | running | succeeded | failed | dead (see service.JobState).
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("progress", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("message", sa.String(500), nullable=False, server_default=""),
    sa.Column("request_event_id", sa.String(64)),
    # The worker's response data (JSON), once succeeded.
    sa.Column("result", sa.Text),
    sa.Column("error_code", sa.String(100)),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("worker", sa.String(100)),
    # The live run's claim: its id and how long it holds without a heartbeat (service.begin).
    sa.Column("run_id", sa.String(64)),
    sa.Column("run_until", sa.DateTime(timezone=True)),
    sa.Column("created_by", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

control = sa.MetaData(schema="control")

workers = sa.Table(
    "workers",
    control,
    sa.Column("instance_id", sa.String(64), primary_key=True),
    sa.Column("tag", sa.String(100), primary_key=True),
    sa.Column("hostname", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("concurrency", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_heartbeat", sa.DateTime(timezone=True), nullable=False),
    sa.Column("processed", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("failed", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("in_flight", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("stopped_at", sa.DateTime(timezone=True)),
)

"""Jobs: slow work started by the API (202 + job id), done by workers, followed by the browser.

Public API (import from here)::

    JOBS_COMPONENT                         the tenant-database migration component ("jobs")
    JobService, Job, JobState, JobNotFound start (in a unit of work), read, advance jobs;
                                           JobRunning: a live run holds the job (one run at a time)
    JobContext                             what a worker handler gets with its request
    WorkerRegistry, TagStatus              heartbeats of worker processes (control plane)
    router                                 (``genius.platform.jobs.api``) the HTTP API
    messages                               the contracts of the platform's workers (pdf.render,
                                           email.send, ocr): request and response types

The runtime that consumes ``worker.<tag>`` queues (``worker.pdf.render``) is an entry point:
``genius.workers.runtime``.
"""

from genius.platform.db.migrate import MigrationComponent, migrations_folder
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.registry import TagStatus, WorkerRegistry
from genius.platform.jobs.service import Job, JobNotFound, JobRunning, JobService, JobState

JOBS_COMPONENT = MigrationComponent(name="jobs", schema="jobs", script_location=migrations_folder(__file__))

__all__ = [
    "JOBS_COMPONENT",
    "Job",
    "JobContext",
    "JobNotFound",
    "JobRunning",
    "JobService",
    "JobState",
    "TagStatus",
    "WorkerRegistry",
]

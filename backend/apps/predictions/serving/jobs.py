"""What the group-commit threads serve: a request turned into a job, answered with (status, body) or handed back."""
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

DELEGATE = object()  # a job's result when the Django view must answer it


@dataclass(eq=False)
class Job:
    key: str  # the API token's key
    request_id: str
    future: Future = field(default_factory=Future, repr=False)
    received_at: datetime = field(default_factory=timezone.now)  # a prediction's start (its created_at: the end)
    caller: object = None  # access.Caller, once authorized
    response: tuple[int, dict] | None = None  # (status, body) once served; None: the view answers

    @property
    def size(self) -> int:
        """Texts in the job (a batch stops growing at PREDICT_BATCH_MAX_TEXTS)."""
        return 1

    @staticmethod
    def serve(jobs: list, access, at) -> list:
        """Serve `jobs` (all of this class) in the batch's transaction: authorize each, store what it asks, set its
        `response`; return the audit entries to append (the batch appends every kind's together)."""
        raise NotImplementedError

    @staticmethod
    def serve_direct(jobs: list, access, at) -> None:
        """PostgreSQL: serve `jobs` outside any transaction, each store one statement that is its own transaction
        (direct.py), setting each served job's `response`; the rest go to the view."""
        raise NotImplementedError

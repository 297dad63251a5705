"""One tree of errors. Every message says what was wrong and what to do next."""

from __future__ import annotations


class AdPipelineError(Exception):
    """Base of every error adpipeline raises on purpose."""


class InvalidInput(AdPipelineError, ValueError):
    """An argument was malformed; nothing was changed."""


class StageError(AdPipelineError):
    """The action is not possible in the stage's current state; nothing was changed."""


class ConflictError(AdPipelineError):
    """Someone else saved the session first; reload (``ap.resume``) and try again."""


class SessionNotFound(AdPipelineError, KeyError):
    """No session has that id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ProviderError(AdPipelineError):
    """A provider call failed. ``transient`` errors were already retried.

    ``status`` is the HTTP status when there was one; ``retry_after`` the seconds the
    service asked to wait (a 429's ``Retry-After``), which the gateway honours.
    """

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


class BudgetExceeded(AdPipelineError):
    """The call would take the session past its budget; nothing was spent."""


class CorruptBlob(AdPipelineError):
    """A stored image or video no longer matches its hash."""


class StoreError(AdPipelineError):
    """The session store cannot be read or written (permissions, full disk, a file in
    the way). The message names the path and what to do; nothing was half-saved."""


class StoreCorrupt(StoreError):
    """Part of the session store is damaged (a truncated or empty database, a record
    that does not parse). The message names the path and what to do."""

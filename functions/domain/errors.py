"""Domain errors. The HTTP layer maps each class to one status code, in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base: `message` is Chinese and shown to the person who made the request."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidSubmission(DomainError):
    """The request is well formed but breaks a rule (→ 422)."""


class NotFoundError(DomainError):
    """Nothing there, or nothing the caller may see (→ 404)."""


class ConflictError(DomainError):
    """The request conflicts with the current state: closed window, duplicate, stale version (→ 409)."""


class RateLimited(DomainError):
    """Too many requests from one client (→ 429 with Retry-After)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

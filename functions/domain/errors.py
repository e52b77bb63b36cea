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


class PageExpired(DomainError):
    """A form's security token no longer matches (→ 403): reload the page and try again."""


class AccessDenied(DomainError):
    """Signed in, but the role does not open this area (→ 403); the message names the roles that do."""


class AuthenticationFailed(DomainError):
    """Wrong user name or password, or no such account (→ 401)."""


class RequestRejected(DomainError):
    """The request itself cannot be read: too large, wrong type, not UTF-8, malformed (→ 4xx).
    Raised before any use case runs, so nothing has changed."""


class PayloadTooLarge(RequestRejected):
    """→ 413"""


class UnsupportedMediaType(RequestRejected):
    """→ 415"""


class MalformedRequest(RequestRejected):
    """→ 400"""


class ServiceUnavailable(DomainError):
    """A dependency is overloaded or down; try again later (→ 503 with Retry-After)."""

    def __init__(self, message: str, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after


class InternalError(DomainError):
    """Something the code did not expect (→ 500). Shown in Chinese; the cause is logged, not shown."""


class MethodNotAllowed(DomainError):
    """The address exists but not for this method (→ 405 with Allow)."""

    def __init__(self, message: str, allowed: list[str]):
        super().__init__(message)
        self.allowed = allowed

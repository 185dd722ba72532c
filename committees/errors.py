"""Domain errors. The web layer maps them onto form errors, pages and JSON errors."""
from __future__ import annotations


class DomainError(Exception):
    """Base class: `code` is stable (used by the API), `message` is shown to people."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 400


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409

"""Errors of the work-order service; each carries the HTTP status it becomes.

Data-access functions raise these (they are ``ValueError`` subclasses with a Chinese message a
user can act on); one exception handler in ``api.main`` turns them into JSON responses.
"""

from __future__ import annotations

from typing import Any


class ServiceError(ValueError):
    """Base class: ``status_code`` is the HTTP status, ``extra`` goes into the response body."""

    status_code = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotFound(ServiceError):
    """The thing does not exist (or the caller may not know that it does)."""

    status_code = 404


class Forbidden(ServiceError):
    """The caller's role does not allow this."""

    status_code = 403


class Conflict(ServiceError):
    """The request clashes with the current state (illegal transition, duplicate)."""

    status_code = 409


class Invalid(ServiceError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 422


class TooLarge(ServiceError):
    """The upload is larger than allowed."""

    status_code = 413


class UnsupportedMedia(ServiceError):
    """The upload is not a recording we can process."""

    status_code = 415

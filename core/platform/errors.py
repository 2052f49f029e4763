"""Typed errors raised by core services; pages and routes show `message` to the user as it is."""

from __future__ import annotations


class PetitionDeskError(Exception):
    """Base of every error a user may see; `message` is already translated or plain Chinese/English text."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs next to, when there is one
        self.details = details


class ValidationError(PetitionDeskError):
    """Inputs are missing or malformed; `errors` maps field names to messages."""

    code = "invalid"
    http_status = 422

    def __init__(self, message: str, *, errors: dict[str, str] | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.errors = errors or ({field: message} if field else {})


class PermissionDenied(PetitionDeskError):
    code = "forbidden"
    http_status = 403


class NotFound(PetitionDeskError):
    code = "not_found"
    http_status = 404


class IllegalTransition(PetitionDeskError):
    """The action is not allowed from the case's current status."""

    code = "illegal_transition"
    http_status = 422  # the request is understood but not allowed now (the API's contract, issue 16)


class StaleVersion(PetitionDeskError):
    """Someone saved the object after the user loaded it: reload instead of overwriting."""

    code = "stale"
    http_status = 409

    def __init__(self, message: str, *, changed_by: str | None = None, changed_at=None):
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class AuthError(PetitionDeskError):
    code = "unauthenticated"
    http_status = 401

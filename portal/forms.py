"""Shared form helpers: mapping domain errors onto fields."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from committees.errors import DomainError


def apply_domain_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Show a domain error next to its field (or at the top of the form), translated."""
    message = _(error.message)
    field = getattr(form, error.field, None) if error.field else None
    if field is None and default_field:
        field = getattr(form, default_field, None)
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)

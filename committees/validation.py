"""Checks every service repeats on its input, written once.

Each raises `ValidationFailed` naming the field, so a form shows the message next to it and the API
returns it with a stable code.
"""
from __future__ import annotations

from committees.errors import ValidationFailed
from committees.i18n import N_

TITLE_MAX = 200


def clean_title(values: dict, missing: str, *, required: bool, field: str = "title",
                max_length: int = TITLE_MAX) -> None:
    """Strip `values[field]` in place. Empty (or absent, when `required`) -> `missing`; too long -> too_long.

    `required` is for creating (the title must be there); on an update only a title that is given is checked.
    """
    if field not in values:
        if required:
            raise ValidationFailed(missing, field=field, code="required")
        return
    values[field] = (values[field] or "").strip()
    if not values[field]:
        raise ValidationFailed(missing, field=field, code="required")
    if len(values[field]) > max_length:
        raise ValidationFailed(N_("The title is too long."), field=field, code="too_long")

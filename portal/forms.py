"""Shared form helpers: mapping domain errors onto fields; the safeguarding confirmation field."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from committees.errors import DomainError
from committees.safeguarding import MAX_REASON, PersonalDataSuspected


class SafeguardingMixin:
    """For forms whose text reaches others (submitting, circulating, publishing, commenting): when the text looks
    like a beneficiary's personal data the page shows the passages and this field (templates/_macros/forms.html);
    the writer fixes the text or gives a reason, which is audited (committees/safeguarding.py)."""

    safeguarding_reason = TextAreaField(
        _l("Why must these passages stay?"), validators=[Length(max=MAX_REASON)], render_kw={"rows": 2},
        description=_l("Your reason is recorded in the audit log. Leave it empty and correct the text instead, "
                       "if you can."))


def apply_domain_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Show a domain error next to its field (or at the top of the form), translated."""
    message = _(error.message)
    field = getattr(form, error.field, None) if error.field else None
    if field is None and default_field:
        field = getattr(form, default_field, None)
    if isinstance(error, PersonalDataSuspected):
        if field is None:  # a form without the confirmation field cannot go on: say so at the top
            form.form_errors.append(message)
            return
        field.findings = error.findings  # the passages, shown with the field
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)

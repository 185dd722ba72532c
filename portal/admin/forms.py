"""Forms of the administration pages: CSV import, and the filters of the audit log and the outbox."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField,
                     SubmitField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from committees.services.imports import ImportKind
from committees.services.retention import MAX_YEARS, MIN_YEARS

KIND_CHOICES = [SelectChoice(k.value, _l(k.title)) for k in ImportKind]


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=KIND_CHOICES, validators=[DataRequired()])
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"},
                     description=_l("UTF-8 CSV, separated by commas or semicolons, with the template's column "
                                    "names in the first row."))
    submit = SubmitField(_l("Check the file (dry run)"))


class ConfirmImportForm(FlaskForm):
    """The confirm step: the checked file travels back (base64) and is validated again before writing."""

    kind = HiddenField(validators=[DataRequired()])
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import now"))


class AuditFilterForm(FlaskForm):
    """Filters read from the query string (GET, no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], default="")
    actor = StringField(_l("Actor's email"), validators=[Optional(), Length(max=254)])
    target_type = SelectField(_l("Target type"), choices=[], default="")
    committee = SelectField(_l("Committee"), choices=[], default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], default="")


class RetentionForm(FlaskForm):
    years = IntegerField(_l("Purge attachments of closed items after (years)"),
                         validators=[Optional(), NumberRange(min=MIN_YEARS, max=MAX_YEARS,
                                                             message=_l("From 1 to 50 years."))],
                         description=_l("Leave empty to keep every attachment. Closed: meetings held or cancelled, "
                                        "proposals declined, not adopted, implemented or withdrawn."))
    submit = SubmitField(_l("Save the setting"))


class PurgeForm(FlaskForm):
    confirm = BooleanField(_l("I understand that purged files cannot be restored"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Purge them now"))


class RestoreForm(FlaskForm):
    """A one-click restore from the trash (the CSRF token travels with it)."""

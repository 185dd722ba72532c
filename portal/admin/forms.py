"""Forms of the administration pages: CSV import, and the filters of the audit log and the outbox."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from committees.services.imports import ImportKind

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

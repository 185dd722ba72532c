"""Forms for profiles and for coordinators managing people."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms import Form
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from committees.models import GlobalRole
from portal.i18n import current_language
from portal.lookup import LookupField, OrganisationFilter

# Zones offered on the profile; any other valid IANA zone already stored is kept in the list.
COMMON_TIMEZONES = (
    "Europe/Athens", "Europe/Nicosia", "Europe/Istanbul", "Europe/Sofia", "Europe/Bucharest", "Europe/Kyiv",
    "Europe/Rome", "Europe/Berlin", "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam", "Europe/Vienna",
    "Europe/Madrid", "Europe/London", "Europe/Lisbon", "Europe/Moscow", "Africa/Cairo", "Africa/Tunis",
    "Africa/Casablanca", "Africa/Lagos", "Africa/Nairobi", "Asia/Beirut", "Asia/Damascus", "Asia/Amman",
    "Asia/Baghdad", "Asia/Tehran", "Asia/Kabul", "Asia/Karachi", "Asia/Dhaka", "Asia/Dubai",
    "America/New_York", "America/Toronto", "UTC",
)


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in current_app.config["LANGUAGES"].items()]


def timezone_choices(current: str | None = None) -> list[SelectChoice]:
    zones = list(COMMON_TIMEZONES)
    for extra in (current_app.config["DEFAULT_TIMEZONE"], current):
        if extra and extra not in zones:
            zones.insert(0, extra)
    return [SelectChoice(z, z.replace("_", " ")) for z in zones]


def role_choices(include_privileged: bool) -> list[SelectChoice]:
    roles = list(GlobalRole) if include_privileged else [GlobalRole.NONE]
    return [SelectChoice(r.value, _l(r.title)) for r in roles]


def _unique_ids(form: FlaskForm, prefix: str) -> None:
    """Distinct ids for the CSRF and submit fields when a second form shares the page."""
    for name in ("csrf_token", "submit"):
        if name in form:
            form[name].id = f"{prefix}-{name}"


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    language = SelectField(_l("Preferred language"))
    timezone = SelectField(_l("Time zone"), description=_l("Dates and times are shown in this zone."))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, obj=person, **kwargs)
        self.language.choices = language_choices()
        current = person.timezone if person is not None else None
        self.timezone.choices = timezone_choices(current)
        if not self.timezone.data:
            self.timezone.data = current_app.config["DEFAULT_TIMEZONE"]


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=12, max=1024)],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _unique_ids(self, "password")


ORGANISATION_HELP = _l("Type part of its name, then choose it; leave empty for none.")


class PeopleFilterForm(OrganisationFilter, Form):
    """The query string of the people list; anything out of range is a bad request."""

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=100)])
    organisation = LookupField(_l("Organisation"), required=False)
    role = SelectField(_l("Global role"), default="")
    active = SelectField(_l("Status"), default="", choices=[
        SelectChoice("", _l("Any")), SelectChoice("yes", lazy_pgettext("account", "Active")),
        SelectChoice("no", _l("Deactivated"))])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100000)])
    per_page = IntegerField(_l("Per page"), validators=[Optional(), NumberRange(min=1)])

    def __init__(self, formdata=None, **kwargs):
        super().__init__(formdata, **kwargs)
        self.organisation.lookup_url = url_for("admin.suggest_organisations")
        self.role.choices = [SelectChoice("", _l("Any"))] + role_choices(include_privileged=True)


class PersonForm(FlaskForm):
    """What coordinators may change on an account (never the password or the global role)."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = LookupField(_l("Organisation"), required=False, description=ORGANISATION_HELP)
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    language = SelectField(_l("Preferred language"))
    timezone = SelectField(_l("Time zone"))
    is_primary_contact = BooleanField(_l("Primary contact of the organisation"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, obj=person, **kwargs)
        self.organisation.lookup_url = url_for("admin.suggest_organisations")
        self.language.choices = language_choices()
        self.timezone.choices = timezone_choices(person.timezone if person is not None else None)
        if not self.timezone.data:
            self.timezone.data = current_app.config["DEFAULT_TIMEZONE"]


class NewPersonForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = LookupField(_l("Organisation"), required=False, description=ORGANISATION_HELP)
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Preferred language"))
    global_role = SelectField(_l("Global role"), default=GlobalRole.NONE.value)
    submit = SubmitField(_l("Create and send the invitation"))

    def __init__(self, *args, may_set_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.lookup_url = url_for("admin.suggest_organisations")
        self.language.choices = language_choices()
        if not self.is_submitted():
            # The invitation goes out in this language: start from the one the inviting coordinator uses.
            self.language.data = current_language()
        self.global_role.choices = role_choices(may_set_role)


class RoleForm(FlaskForm):
    global_role = SelectField(_l("Global role"))
    submit = SubmitField(_l("Change role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_role.choices = role_choices(include_privileged=True)
        _unique_ids(self, "role")

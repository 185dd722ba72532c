"""Forms for setting up, changing and turning off two-step sign-in on the profile."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off",
              "spellcheck": "false"}


class StartTwoFactorForm(FlaskForm):
    """Before the first set-up: the password again (a borrowed session must not add its own authenticator)."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Set up two-step sign-in"))


class ConfirmTwoFactorForm(FlaskForm):
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=16)],
                       description=_l("The 6-digit code the app shows now for this portal."), render_kw=CODE_ATTRS)
    submit = SubmitField(_l("Turn on two-step sign-in"))


class ReauthFields(FlaskForm):
    """Before a change to two-step sign-in: the password, or a current code from the app."""

    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Or a code from your authenticator app"), validators=[Optional(), Length(max=16)],
                       render_kw=CODE_ATTRS)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.password.data or self.code.data):
            self.password.errors = list(self.password.errors) + [
                _l("Enter your password or a code from your authenticator app.")]
            return False
        return True


class ReplaceTwoFactorForm(ReauthFields):
    submit = SubmitField(_l("Move to a new phone or app"))


class RegenerateCodesForm(ReauthFields):
    submit = SubmitField(_l("Make new recovery codes"))


class DisableTwoFactorForm(ReauthFields):
    submit = SubmitField(_l("Turn off two-step sign-in"))

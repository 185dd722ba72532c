"""Forms for committees, joining requests, and managing a committee's members and roles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.widgets import HiddenInput
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from portal.lookup import LookupField


def optional_int(value):
    """Coerce a select's value to an int id; the empty placeholder becomes None (then 'required')."""
    if value in (None, ""):
        return None
    return int(value)


def hidden_id() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[DataRequired()])


def id_select(label, **kw) -> SelectField:
    """A select of ids: its choices are filled by the view, the chosen id is checked when loaded."""
    return SelectField(label, coerce=optional_int, validate_choice=False,
                       validators=[DataRequired(message=_l("Choose one."))], **kw)


class CommitteeForm(FlaskForm):
    """Coordinators: everything about a committee."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=80)],
                       description=_l("Lower-case letters, digits and hyphens, used in the address of the "
                                      "committee's pages. Leave empty to make one from the name."))
    mandate = TextAreaField(_l("Mandate"), validators=[Length(max=20000)], render_kw={"rows": 8},
                            description=_l("What the committee works on. Markdown is allowed."))
    is_public = BooleanField(_l("Public: anyone may see this committee's page"))
    active = BooleanField(_l("Active"), default=True)
    quorum_organisations = IntegerField(
        _l("Quorum (member organisations represented)"), validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("Leave empty for the default: more than half of the active member organisations."))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        values = {"name": self.name.data, "mandate": self.mandate.data or "", "is_public": self.is_public.data,
                  "active": self.active.data, "quorum_organisations": self.quorum_organisations.data}
        if (self.slug.data or "").strip():
            values["slug"] = self.slug.data
        return values


class CommitteeMandateForm(FlaskForm):
    """Co-chairs: the mandate and whether the committee is public."""

    mandate = TextAreaField(_l("Mandate"), validators=[Length(max=20000)], render_kw={"rows": 8},
                            description=_l("What the committee works on. Markdown is allowed."))
    is_public = BooleanField(_l("Public: anyone may see this committee's page"))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {"mandate": self.mandate.data or "", "is_public": self.is_public.data}


class JoinRequestForm(FlaskForm):
    note = TextAreaField(_l("A note for the co-chairs"), validators=[Length(max=2000)], render_kw={"rows": 3},
                         description=_l("Optional: why your organisation wants to join, who will represent it."))
    submit = SubmitField(_l("Ask to join"))


class AddMemberForm(FlaskForm):
    # The roster page holds several forms: ids are prefixed so labels stay unique; names are not.
    organisation = LookupField(_l("Organisation"), id="member-organisation",
                               description=_l("Type part of its name, then choose it."))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)], render_kw={"rows": 2}, id="member-note")
    submit = SubmitField(_l("Add member"), id="member-submit")


class RepresentativeForm(FlaskForm):
    membership_id = id_select(_l("Member organisation"), id="rep-membership_id")
    person_id = id_select(_l("Person"), id="rep-person_id")
    is_primary = BooleanField(_l("Primary representative (one per organisation)"), id="rep-is_primary")
    submit = SubmitField(_l("Set representative"), id="rep-submit")


PERSON_HELP = _l("Type part of their name or organisation, then choose them.")


class RoleForm(FlaskForm):
    person = LookupField(_l("Person"), id="role-person", description=PERSON_HELP)
    role = SelectField(_l("Role"), choices=[SelectChoice("observer", _l("Observer")),
                                            SelectChoice("secretary", _l("Secretary"))],
                       id="role-role")
    submit = SubmitField(_l("Add role"), id="role-submit")


class CochairForm(FlaskForm):
    person = LookupField(_l("Person"), id="cochair-person", description=PERSON_HELP)
    submit = SubmitField(_l("Appoint co-chair"), id="cochair-submit")


class DecisionForm(FlaskForm):
    membership_id = hidden_id()
    decision = HiddenField(validators=[AnyOf(["approve", "decline"])])


class MembershipStatusForm(FlaskForm):
    membership_id = hidden_id()
    status = HiddenField(validators=[AnyOf(["suspended", "left", "active"])])


class RemoveRoleForm(FlaskForm):
    role_id = hidden_id()

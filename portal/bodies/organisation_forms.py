"""Forms of the organisation directory and organisation pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (BooleanField, EmailField, SearchField, SelectField, StringField, SubmitField, TextAreaField,
                     URLField)
from wtforms.validators import DataRequired, Email, Length, Optional

from committees.directory import MAX_SEARCH_LENGTH, DirectoryQuery
from committees.models import Committee, OrganisationType
from portal.templating import title_of


def type_choices() -> list[tuple[str, str]]:
    return [(t.value, title_of(t)) for t in OrganisationType]


class DirectoryFilterForm(FlaskForm):
    """The directory's GET filter form: no CSRF token (it changes nothing), values kept in the URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or short name"), validators=[Optional(), Length(max=MAX_SEARCH_LENGTH)])
    type = SelectField(_l("Type"), default="")
    committee = SelectField(_l("Committee"), default="")
    inactive = BooleanField(_l("Include inactive organisations"))

    def __init__(self, formdata: MultiDict, committees: list[Committee], **kwargs):
        super().__init__(formdata, **kwargs)
        self.type.choices = [("", _l("All types"))] + type_choices()
        self.committee.choices = [("", _l("All committees"))] + [(str(c.id), c.name) for c in committees]

    def to_query(self, page: int, per_page: int, include_inactive: bool) -> DirectoryQuery:
        return DirectoryQuery(
            text=self.q.data or "",
            type=OrganisationType(self.type.data) if self.type.data else None,
            committee_id=int(self.committee.data) if self.committee.data else None,
            include_inactive=include_inactive and bool(self.inactive.data),
            page=page,
            per_page=per_page,
        )

    def url_args(self, include_inactive: bool) -> dict[str, str]:
        """The filter's values as query parameters, for links to other pages of the result."""
        args = {"q": (self.q.data or "").strip(), "type": self.type.data, "committee": self.committee.data}
        if include_inactive and self.inactive.data:
            args["inactive"] = "y"
        return {key: value for key, value in args.items() if value}


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=50)],
                             description=_l("An acronym, such as UNHCR."))
    type = SelectField(_l("Type"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 5})
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300)],
                       description=_l("The full address, starting with https://"))
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=300)], render_kw={"rows": 2})
    active = BooleanField(_l("Active"), default=True,
                          description=_l("Inactive organisations are hidden from the directory and cannot join "
                                         "committees."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, may_set_active: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [("", _l("Choose…"))] + type_choices()
        if not may_set_active:
            del self.active

    def values(self) -> dict:
        names = ("name", "short_name", "type", "description", "website", "email", "phone", "address", "active")
        return {name: self[name].data for name in names if name in self}


class JoinCommitteeForm(FlaskForm):
    committee_id = SelectField(_l("Committee"), coerce=int, validators=[DataRequired()])
    note = TextAreaField(_l("Note for the co-chairs"), validators=[Optional(), Length(max=2000)],
                         render_kw={"rows": 3})
    submit = SubmitField(_l("Ask to join"))

    def __init__(self, *args, committees: list[Committee], **kwargs):
        super().__init__(*args, **kwargs)
        self.committee_id.choices = [(c.id, c.name) for c in committees]

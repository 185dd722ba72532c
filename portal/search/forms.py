"""The search form, read from the query string (GET, no CSRF: searching changes nothing). The committee and year
choices come from what the reader may see; a value outside them makes the form invalid (400, the form as typed)."""
from __future__ import annotations

from datetime import tzinfo
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from committees import search
from committees.db import db
from committees.decisions import MAX_QUERY
from committees.models import SearchKind
from committees.queries import visible_committees_stmt

# Plural labels for the kind filter and the counts (SearchKind.title is the singular, for each hit).
KIND_LABELS = {
    SearchKind.PROPOSAL: _l("Proposals"),
    SearchKind.MINUTES: _l("Minutes"),
    SearchKind.DECISION: _l("Decisions"),
    SearchKind.AGENDA_ITEM: _l("Agenda items"),
    SearchKind.ACTION_ITEM: _l("Action items"),
    SearchKind.ORGANISATION: _l("Organisations"),
    SearchKind.PERSON: _l("People"),
}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search for"), validators=[Optional(), Length(max=MAX_QUERY)],
                    description=_l("Every word must appear; accents and capitals do not matter."))
    kind = SelectField(_l("Kind"), choices=[], default="")
    committee = SelectField(_l("Committee"), choices=[], default="")
    year = SelectField(_l("Year"), choices=[], default="")

    def fill_choices(self, user: Any, zone: tzinfo) -> SearchForm:
        self.kind.choices = [SelectChoice("", gettext("Everything"))] + [
            SelectChoice(kind.value, str(label)) for kind, label in KIND_LABELS.items()]
        committees = db.session.scalars(visible_committees_stmt(user))
        self.committee.choices = [SelectChoice("", gettext("All committees"))] + [
            SelectChoice(str(c.id), c.name) for c in committees]
        self.year.choices = [SelectChoice("", gettext("All years"))] + [
            SelectChoice(str(y), str(y)) for y in search.years(user, zone)]
        return self

    def wanted(self) -> dict:
        """The keyword arguments of committees.search.search for a valid form."""
        return {"query": self.q.data or "",
                "kinds": [self.kind.data] if self.kind.data else None,
                "committee": int(self.committee.data) if self.committee.data else None,
                "year": int(self.year.data) if self.year.data else None}

    def url_args(self) -> dict:
        """The filters as query-string arguments (for the links to other kinds)."""
        return {name: value for name, value in (("q", self.q.data), ("committee", self.committee.data),
                                                ("year", self.year.data)) if value}

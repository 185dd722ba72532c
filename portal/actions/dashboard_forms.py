"""The action dashboard's filter form: read from the query string (GET, no CSRF: reading changes nothing)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import HiddenInput

from committees.dashboard import Filters
from committees.models.actions import ActionPriority, ActionStatus
from portal.lookup import LookupField, OrganisationFilter


class DashboardFilterForm(OrganisationFilter, FlaskForm):
    class Meta:
        csrf = False

    committee = SelectField(_l("Committee"), choices=[], default="")
    organisation = LookupField(_l("Organisation"), required=False, description=_l("Type part of its name."))
    status = SelectField(_l("Status"), choices=[], default="")
    priority = SelectField(_l("Priority"), choices=[], default="")
    owner = IntegerField(_l("Owner"), widget=HiddenInput(), validators=[Optional(), NumberRange(min=1)])

    def fill_choices(self, committees: list, organisations: list, everything: bool) -> DashboardFilterForm:
        """`committees`: (id, name, slug) in the user's scope (`everything`: all of them); `organisations`: the
        conditions of the organisations in scope (committees.dashboard.scope_organisations), typed, not listed."""
        every = gettext("All committees") if everything else gettext("All my committees")
        self.committee.choices = [SelectChoice("", every)] + [
            SelectChoice(c.slug, c.name) for c in committees]
        self.organisations_scope, self.organisation_id = organisations, None
        self.organisation.lookup_url = url_for("actions.suggest_dashboard_organisations")
        self.status.choices = [SelectChoice("", gettext("Any status"))] + [
            SelectChoice(s.value, gettext(s.title)) for s in ActionStatus]
        self.priority.choices = [SelectChoice("", gettext("Any priority"))] + [
            SelectChoice(p.value, gettext(p.title)) for p in ActionPriority]
        return self

    def filters(self, committee_ids: dict[str, int]) -> Filters:
        """The validated form as domain filters; `committee_ids` maps slugs in scope to ids."""
        return Filters(
            committee_id=committee_ids.get(self.committee.data) if self.committee.data else None,
            organisation_id=self.organisation_id,
            status=ActionStatus(self.status.data) if self.status.data else None,
            priority=ActionPriority(self.priority.data) if self.priority.data else None,
            owner_person_id=self.owner.data or None)

"""The proposal lists' filter form, read from the query string (GET, no CSRF: reading changes nothing).

Every choice comes from what the reader may see: committees (committees.queries.visible_committees_stmt),
organisations that filed or co-sponsor a visible proposal, years with visible proposals. A value outside the
choices makes the form invalid and the page answers 400 with the form as typed.
"""
from __future__ import annotations

from datetime import tzinfo
from typing import Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from committees.db import db
from committees.decisions import MAX_QUERY
from committees.models import Committee
from committees.models.proposals import PUBLIC_STATES, ProposalState
from committees.proposal_lists import ProposalFilter, organisations_with_proposals, years_with_proposals
from committees.policy import person_of
from committees.queries import visible_committees_stmt
from portal.lookup import LookupField, OrganisationFilter

# Groups of states (committees.proposal_lists.STATE_GROUPS) with their labels, in the order offered.
STATE_GROUP_LABELS = {
    "in_committee": _l("With the committee (submitted, under review, returned, on the agenda)"),
    "with_city": _l("Waiting for the City's response"),
    "adopted": _l("Adopted by the City (in full or in part, and in implementation)"),
    "public": _l("Forwarded to the City (any outcome)"),
}
PUBLIC_GROUPS = ("public", "with_city", "adopted")
SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "title": _l("Title"),
    "state": _l("Stage in the workflow"),
    "updated": _l("Last changed"),
    "supports": _l("Most supported"),
}


class ProposalListForm(OrganisationFilter, FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=MAX_QUERY)],
                    description=_l("Words from the title or the summary."))
    state = SelectField(_l("Stage"), choices=[], default="")
    committee = SelectField(_l("Committee"), choices=[], default="")
    organisation = LookupField(_l("Organisation"), required=False,
                               description=_l("Filed or co-sponsored by it: type part of its name."))
    year = SelectField(_l("Year"), choices=[], default="", description=_l("Of the submission."))
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(k, v) for k, v in SORT_LABELS.items()],
                       default="newest")

    def fill_choices(self, user: Any, committee: Committee | None, zone: tzinfo) -> ProposalListForm:
        """`committee`: the list of one committee (no committee filter), else every committee the user sees."""
        public = person_of(user) is None
        groups = PUBLIC_GROUPS if public else tuple(STATE_GROUP_LABELS)
        states = [s for s in ProposalState if s in PUBLIC_STATES] if public else list(ProposalState)
        self.state.choices = [SelectChoice("", gettext("Every stage"))] + [
            SelectChoice(g, STATE_GROUP_LABELS[g]) for g in groups] + [
            SelectChoice(s.value, gettext(s.title)) for s in states]
        committee_id = committee.id if committee is not None else None
        if committee is None:
            committees = list(db.session.scalars(visible_committees_stmt(user)))
            self._committees = {c.slug: c.id for c in committees}
            self.committee.choices = [SelectChoice("", gettext("All committees"))] + [
                SelectChoice(c.slug, c.name) for c in committees]
        else:
            self._committees = {}
            self.committee.choices = [SelectChoice("", committee.name)]
        self.organisations_scope = organisations_with_proposals(user, committee_id)
        self.organisation_id = None
        self.organisation.lookup_url = url_for("proposals.suggest_organisations",
                                               committee=committee.slug if committee is not None else None)
        self.year.choices = [SelectChoice("", gettext("All years"))] + [
            SelectChoice(str(y), str(y)) for y in years_with_proposals(user, committee_id, zone)]
        self._committee_id = committee_id
        return self

    def wanted(self) -> ProposalFilter:
        """The validated form as the domain's filter (call after validate())."""
        committee_id = self._committee_id
        if committee_id is None and self.committee.data:
            committee_id = self._committees[self.committee.data]
        return ProposalFilter(
            committee_id=committee_id, state=self.state.data or "",
            organisation_id=self.organisation_id,
            year=int(self.year.data) if self.year.data else None, q=(self.q.data or "").strip(),
            sort=self.sort.data or "newest")


class PipelineFilterForm(FlaskForm):
    """The pipeline report's committee (by slug) among those in the reader's scope."""

    class Meta:
        csrf = False

    committee = SelectField(_l("Committee"), choices=[], default="", validate_choice=False)

    def fill_choices(self, committees: list[Committee], everything: bool) -> PipelineFilterForm:
        every = gettext("All committees") if everything else gettext("All my committees")
        self.committee.choices = [SelectChoice("", every)] + [SelectChoice(c.slug, c.name) for c in committees]
        self.everything = everything
        return self

"""Other organisations on a proposal: the authors invite co-sponsors (and withdraw an invitation or part with a
co-sponsor), an invited organisation's representative accepts or declines, and member organisations support a
submitted proposal or withdraw their support. Rules: proposal.author, proposal.cosponsor, proposal.support."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import ngettext

from committees.db import db
from committees.errors import DomainError
from committees.models import Organisation
from committees.services import proposals as svc
from portal.loaders import user
from portal.proposals import bp
from portal.proposals.forms import AnswerForm, InviteForm, StepForm
from portal.proposals.views import done, failed, invalid, proposal_or_404, reload, show


def _one_click(proposal_id: int, action: str):
    proposal = proposal_or_404(proposal_id, action)
    if not StepForm().validate_on_submit():
        abort(400)
    return proposal


def _refused(proposal_id: int, error: DomainError):
    db.session.rollback()
    return show(reload(proposal_id), alert=_(error.message), status=error.status)


# -- co-sponsors ---------------------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/cosponsors", methods=["POST"])
def invite_proposal_cosponsors(proposal_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.author")
    form = InviteForm(prefix="invite", meta={"csrf": False}).fill_choices(proposal)
    if not form.validate_on_submit():
        return invalid(proposal, "invite", form)
    try:
        for organisation_id in form.organisation_ids.data:
            svc.invite_cosponsor(user(), proposal, db.session.get(Organisation, organisation_id))
    except DomainError as error:
        return failed(proposal_id, "invite", form, error)
    count = len(form.organisation_ids.data)
    return done(proposal_id, ngettext("%(num)d organisation has been invited to co-sponsor.",
                                      "%(num)d organisations have been invited to co-sponsor.", count),
                "cosponsors")


@bp.route("/proposals/<int:proposal_id>/cosponsors/answer", methods=["POST"])
def answer_cosponsor_invitation(proposal_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.cosponsor")
    form = AnswerForm(prefix="answer", meta={"csrf": False})
    if not form.validate_on_submit():
        return invalid(proposal, "answer", form)
    accept = form.answer.data == "accept"
    try:
        svc.respond_cosponsor(user(), proposal, accept)
    except DomainError as error:
        return failed(proposal_id, "answer", form, error)
    return done(proposal_id, _("Your organisation co-sponsors this proposal.") if accept
                else _("You have declined to co-sponsor this proposal."))


@bp.route("/proposals/<int:proposal_id>/cosponsors/<int:organisation_id>/remove", methods=["POST"])
def remove_proposal_cosponsor(proposal_id: int, organisation_id: int):
    proposal = _one_click(proposal_id, "proposal.author")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or all(c.organisation_id != organisation_id for c in proposal.cosponsors):
        abort(404)
    try:
        svc.remove_cosponsor(user(), proposal, organisation)
    except DomainError as error:
        return _refused(proposal_id, error)
    return done(proposal_id, _("%(org)s is no longer invited to co-sponsor.", org=organisation.name), "cosponsors")


# -- supports ------------------------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
def support_proposal(proposal_id: int):
    proposal = _one_click(proposal_id, "proposal.support")
    try:
        svc.support(user(), proposal)
    except DomainError as error:
        return _refused(proposal_id, error)
    return done(proposal_id, _("Your organisation now supports this proposal."), "support")


@bp.route("/proposals/<int:proposal_id>/support/withdraw", methods=["POST"])
def withdraw_proposal_support(proposal_id: int):
    proposal = _one_click(proposal_id, "proposal.support")
    try:
        svc.withdraw_support(user(), proposal)
    except DomainError as error:
        return _refused(proposal_id, error)
    return done(proposal_id, _("Your organisation no longer supports this proposal."), "support")

"""Committee pages, rosters and membership management.

Every id that arrives in a form (membership, role, person) is loaded scoped to the committee in the
address, so an id of another committee's object is a 404.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from committees import lookup, queries
from committees.db import db
from committees.errors import DomainError
from committees.models import CommitteeRole, CommitteeRoleKind, Membership, MembershipStatus, Organisation, Person
from committees.paging import Pager
from portal.paging import page_args
from committees.policy import can as policy_can
from committees.services import bodies
from portal.bodies import bp
from portal.bodies.committee_forms import (
    AddMemberForm,
    CochairForm,
    CommitteeForm,
    CommitteeMandateForm,
    DecisionForm,
    JoinRequestForm,
    MembershipStatusForm,
    RemoveRoleForm,
    RepresentativeForm,
    RoleForm,
)
from portal.downloads import csv_response
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, ensure, load_or_404, user
from portal.lookup import resolve, suggestions_response


def can(action: str, obj=None) -> bool:
    return policy_can(user(), action, obj)


# -- committees --------------------------------------------------------------------------------

@bp.route("/committees")
def list_committees():
    page, per_page = page_args(24, 100)
    cards, total = queries.page_committee_cards(user(), page, per_page)
    return render_template("bodies/committees.html", cards=cards, pager=Pager(page, per_page, total))


@bp.route("/committees/new", methods=["GET", "POST"])
def create_committee():
    ensure("committee.create")
    form = CommitteeForm()
    if form.validate_on_submit():
        try:
            committee = bodies.create_committee(user(), **form.values())
        except DomainError as error:
            return _form_failed(form, error, None)
        db.session.commit()
        flash(_("The committee has been created."), "success")
        return redirect(url_for(".show_committee", slug=committee.slug))
    return render_template("bodies/committee_form.html", form=form, committee=None), 400 if form.errors else 200


@bp.route("/committees/<slug>")
def show_committee(slug: str):
    committee = committee_or_404(slug)
    overview = queries.get_committee_overview(committee)
    own = queries.get_own_membership(committee, user())
    join_form = JoinRequestForm(formdata=None) if can("membership.request", committee) else None
    return render_template("bodies/committee.html", committee=committee, overview=overview, card=overview.card,
                           own_membership=own, join_form=join_form)


@bp.route("/committees/<slug>/edit", methods=["GET", "POST"])
def edit_committee(slug: str):
    committee = committee_or_404(slug, "committee.edit")
    # Co-chairs edit the mandate and the public flag; only coordinators rename, move or (de)activate.
    form_class = CommitteeForm if can("committee.rename", committee) else CommitteeMandateForm
    form = form_class(obj=committee)
    if form.validate_on_submit():
        try:
            bodies.update_committee(user(), committee, form.values())
        except DomainError as error:
            return _form_failed(form, error, committee)
        db.session.commit()
        flash(_("The committee has been saved."), "success")
        return redirect(url_for(".show_committee", slug=committee.slug))
    return render_template("bodies/committee_form.html", form=form, committee=committee), 400 if form.errors else 200


def _form_failed(form, error: DomainError, committee):
    db.session.rollback()
    apply_domain_error(form, error)
    return render_template("bodies/committee_form.html", form=form, committee=committee), error.status


@bp.route("/committees/<slug>/join", methods=["GET", "POST"])
def request_membership(slug: str):
    committee = committee_or_404(slug, "membership.request")
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            bodies.request_membership(user(), committee, note=form.note.data or "")
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            return render_template("bodies/committee_join.html", committee=committee, form=form), error.status
        db.session.commit()
        flash(_("Your request has been sent to the co-chairs."), "success")
        return redirect(url_for(".show_committee", slug=committee.slug))
    status = 400 if form.errors else 200
    return render_template("bodies/committee_join.html", committee=committee, form=form), status


# -- the roster --------------------------------------------------------------------------------

ROSTER_TABS = ("current", "former")


@bp.route("/committees/<slug>/roster")
def show_roster(slug: str):
    committee = committee_or_404(slug, "committee.view_roster")
    return _render_roster(committee)


def _render_roster(committee, forms: dict | None = None, status: int = 200, alerts: list[str] | None = None):
    """The roster page; after a failed change, the failed form (with the user's input) replaces its blank one."""
    tab = request.args.get("view", "current")
    if tab not in ROSTER_TABS:
        abort(400)
    page, per_page = page_args(50, 200)
    manage = can("membership.manage", committee)
    roster = queries.get_roster(committee, view=tab, page=page, per_page=per_page, with_requests=manage,
                                with_attendance=tab != "former")
    forms = dict(forms or {})
    if manage:
        _management_forms(committee, forms)
    return render_template("bodies/roster.html", committee=committee, roster=roster, tab=tab, forms=forms,
                           alerts=alerts or [], pager=Pager(page, per_page, roster.total),
                           moves=bodies.MEMBERSHIP_MOVES, move_labels=_move_labels()), status


def _move_labels() -> dict[MembershipStatus, str]:
    return {MembershipStatus.SUSPENDED: _("Suspend"), MembershipStatus.LEFT: _("End membership"),
            MembershipStatus.ACTIVE: _("Restore")}


def _management_forms(committee, forms: dict) -> None:
    """Blank forms (never bound to this request's data) with their choices, unless a failed one is given."""
    blank = {"add_member": AddMemberForm, "representative": RepresentativeForm, "role": RoleForm}
    if can("committee.appoint", committee):
        blank["cochair"] = CochairForm
    for key, form_class in blank.items():
        forms.setdefault(key, form_class(formdata=None))
    placeholder = [SelectChoice("", _("Choose…"))]
    choices = queries.roster_choices(committee)
    forms["representative"].membership_id.choices = placeholder + [
        SelectChoice(str(m.id), m.organisation.label) for m in choices.memberships]
    forms["representative"].person_id.choices = placeholder + [
        SelectChoice(str(p.id), p.full_name, optgroup=p.organisation.label) for p in choices.candidates]
    forms["add_member"].organisation.lookup_url = url_for(".suggest_organisations", slug=committee.slug)
    for key in ("role", "cochair"):
        if key in forms:
            forms[key].person.lookup_url = url_for(".suggest_people", slug=committee.slug)


@bp.route("/committees/<slug>/roster/organisations.json")
def suggest_organisations(slug: str):
    """The add-member field's suggestions: organisations that may join."""
    committee = committee_or_404(slug, "membership.manage")
    return suggestions_response(lookup.suggest_organisations, lookup.joinable_organisations(committee))


@bp.route("/committees/<slug>/roster/people.json")
def suggest_people(slug: str):
    """The role fields' suggestions: people who may be given a role."""
    committee_or_404(slug, "membership.manage")
    return suggestions_response(lookup.suggest_people, lookup.active_people())


# The typed fields of the roster's forms: a domain error about the chosen organisation or person shows next to them.
LOOKUP_FIELDS = {"add_member": "organisation", "role": "person", "cochair": "person"}


def _roster_failed(committee, error: DomainError, key: str | None = None, form=None):
    """Undo the change and show the roster again with the error (next to the field when there is a form)."""
    db.session.rollback()
    if form is not None:
        apply_domain_error(form, error, default_field=LOOKUP_FIELDS.get(key))
        return _render_roster(committee, {key: form}, error.status)
    return _render_roster(committee, status=error.status, alerts=[_(error.message)])


def _done(committee, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_roster", slug=committee.slug))


def _invalid(committee, key: str | None = None, form=None):
    if form is None:
        return _render_roster(committee, status=400, alerts=[_("The request was not understood.")])
    return _render_roster(committee, {key: form}, 400)


@bp.route("/committees/<slug>/members", methods=["POST"])
def add_member(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = AddMemberForm()
    if not form.validate_on_submit():
        return _invalid(committee, "add_member", form)
    organisation_id = resolve(form.organisation, lambda text: lookup.resolve_organisation(
        text, lookup.joinable_organisations(committee)))
    if organisation_id is None:
        return _invalid(committee, "add_member", form)
    organisation = load_or_404(Organisation, organisation_id)
    try:
        bodies.add_member(user(), committee, organisation, note=form.note.data or "")
    except DomainError as error:
        return _roster_failed(committee, error, "add_member", form)
    return _done(committee, _("%(name)s is now a member.", name=organisation.name))


@bp.route("/committees/<slug>/members/decide", methods=["POST"])
def decide_membership(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = DecisionForm()
    if not form.validate_on_submit():
        return _invalid(committee)
    membership = load_or_404(Membership, form.membership_id.data, parent=committee)
    approve = form.decision.data == "approve"
    try:
        bodies.decide_membership(user(), membership, approve)
    except DomainError as error:
        return _roster_failed(committee, error)
    name = membership.organisation.name
    message = _("%(name)s is now a member.", name=name) if approve else _("The request of %(name)s was declined.",
                                                                          name=name)
    return _done(committee, message)


@bp.route("/committees/<slug>/members/status", methods=["POST"])
def set_membership_status(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = MembershipStatusForm()
    if not form.validate_on_submit():
        return _invalid(committee)
    membership = load_or_404(Membership, form.membership_id.data, parent=committee)
    try:
        bodies.set_membership_status(user(), membership, MembershipStatus(form.status.data))
    except DomainError as error:
        return _roster_failed(committee, error)
    return _done(committee, _("The membership of %(name)s is now: %(status)s.", name=membership.organisation.name,
                              status=_(membership.status.title)))


@bp.route("/committees/<slug>/representatives", methods=["POST"])
def set_representative(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = RepresentativeForm()
    if not form.validate_on_submit():
        return _invalid(committee, "representative", form)
    membership = load_or_404(Membership, form.membership_id.data, parent=committee)
    person = load_or_404(Person, form.person_id.data)
    if person.organisation is None or bodies.get_membership(committee, person.organisation) is None:
        abort(404)  # not someone of this committee's member organisations
    if person.organisation_id != membership.organisation_id:
        form.person_id.errors.append(_("This person does not work for that organisation."))
        return _invalid(committee, "representative", form)
    try:
        bodies.assign_role(user(), committee, person, CommitteeRoleKind.REPRESENTATIVE,
                           is_primary=form.is_primary.data)
    except DomainError as error:
        return _roster_failed(committee, error, "representative", form)
    return _done(committee, _("%(name)s now represents %(org)s.", name=person.full_name,
                              org=membership.organisation.name))


@bp.route("/committees/<slug>/roles", methods=["POST"])
def add_role(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = RoleForm()
    if not form.validate_on_submit():
        return _invalid(committee, "role", form)
    return _assign(committee, form, "role", CommitteeRoleKind(form.role.data))


@bp.route("/committees/<slug>/cochairs", methods=["POST"])
def appoint_cochair(slug: str):
    committee = committee_or_404(slug, "committee.appoint")
    form = CochairForm()
    if not form.validate_on_submit():
        return _invalid(committee, "cochair", form)
    return _assign(committee, form, "cochair", CommitteeRoleKind.COCHAIR)


def _assign(committee, form, key: str, kind: CommitteeRoleKind):
    person_id = resolve(form.person, lambda text: lookup.resolve_person(text, lookup.active_people()))
    if person_id is None:
        return _invalid(committee, key, form)
    person = load_or_404(Person, person_id)
    try:
        bodies.assign_role(user(), committee, person, kind)
    except DomainError as error:
        return _roster_failed(committee, error, key, form)
    return _done(committee, _("%(name)s now has the role: %(role)s.", name=person.full_name, role=_(kind.title)))


@bp.route("/committees/<slug>/roles/remove", methods=["POST"])
def remove_role(slug: str):
    committee = committee_or_404(slug, "membership.manage")
    form = RemoveRoleForm()
    if not form.validate_on_submit():
        return _invalid(committee)
    role = load_or_404(CommitteeRole, form.role_id.data, parent=committee)
    ensure("role.remove", role)
    name, kind = role.person.full_name, role.role
    try:
        bodies.remove_role(user(), role)
    except DomainError as error:
        return _roster_failed(committee, error)
    return _done(committee, _("%(name)s no longer has the role: %(role)s.", name=name, role=_(kind.title)))


# -- the roster as CSV -------------------------------------------------------------------------

def _csv_person(person: Person | None) -> tuple[str, str, str]:
    if person is None:
        return "", "", ""
    if not can("person.view_contact", person):
        return person.full_name, "", ""
    return person.full_name, person.email, person.phone


def roster_csv_rows(roster) -> list[list]:
    """One row per representative (or per organisation without one), then one per other role."""
    rows = []
    for row in roster.members:
        m = row.membership
        org = [m.organisation.name, _(m.organisation.type.title), _(m.status.title),
               m.joined_on.isoformat() if m.joined_on else "", m.left_on.isoformat() if m.left_on else ""]
        for role in row.representatives or [None]:
            name, email, phone = _csv_person(role.person if role else None)
            rows.append(org + [name, _(role.role.title) if role else "", _yes(role and role.is_primary),
                               email, phone])
    for role in roster.cochairs + roster.secretaries + roster.observers:
        person_org = role.person.organisation
        name, email, phone = _csv_person(role.person)
        rows.append([person_org.name if person_org else "", _(person_org.type.title) if person_org else "",
                     "", "", "", name, _(role.role.title), "", email, phone])
    return rows


def _yes(value) -> str:
    return _("yes") if value else ""


@bp.route("/committees/<slug>/roster.csv")
def export_roster(slug: str):
    committee = committee_or_404(slug, "committee.export_roster")
    roster = queries.get_roster(committee, view="all", per_page=None)
    rows = roster_csv_rows(roster)
    bodies.record_roster_export(user(), committee, len(rows))
    db.session.commit()
    header = [_("Organisation"), _("Type"), _("Status"), _("Joined"), _("Left"), _("Person"), _("Role"),
              _("Primary"), _("Email"), _("Phone")]
    return csv_response(header, rows, f"roster-{committee.slug}-{date.today().isoformat()}.csv")

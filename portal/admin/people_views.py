"""Coordinators manage people: list, create and invite, edit, deactivate, roles."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from committees import lookup, policy
from committees.db import db
from committees.errors import DomainError
from committees.models import GlobalRole, Organisation, Person
from committees.paging import Pager
from committees.services import people
from portal.admin import bp
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.lookup import optional_organisation, suggestions_response
from portal.people.forms import NewPersonForm, PeopleFilterForm, PersonForm, RoleForm

PER_PAGE = 25
MAX_PER_PAGE = 100
EDIT_FIELDS = ("email", "full_name", "job_title", "phone", "language", "timezone", "is_primary_contact")


def _invitation_lifetime() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_DAYS"])


@bp.route("/people")
def list_people():
    ensure("person.manage")
    filters = PeopleFilterForm(request.args)
    if not filters.validate():
        abort(400)
    active = {"yes": True, "no": False}.get(filters.active.data or "")
    stmt = people.search_people_stmt(
        q=filters.q.data or "",
        organisation_id=filters.organisation_id,
        role=GlobalRole(filters.role.data) if filters.role.data else None,
        active=active,
    )
    per_page = min(filters.per_page.data or PER_PAGE, MAX_PER_PAGE)
    pagination = db.paginate(stmt, page=filters.page.data or 1, per_page=per_page, error_out=False)
    return render_template("admin/people.html", filters=filters, pagination=pagination,
                           pager=Pager(pagination.page, pagination.per_page, pagination.total or 0))


@bp.route("/organisations.json")
def suggest_organisations():
    """The people pages' organisation fields: any organisation, for those who manage accounts."""
    ensure("person.manage")
    return suggestions_response(lookup.suggest_organisations, [])


@bp.route("/people/new", methods=["GET", "POST"])
def create_person():
    ensure("person.manage")
    form = NewPersonForm(may_set_role=policy.can(user(), "person.set_role"))
    valid = form.validate_on_submit()
    chosen, organisation_id = optional_organisation(form.organisation) if valid else (False, None)
    if not (valid and chosen):
        return render_template("admin/people_new.html", form=form), (400 if form.is_submitted() else 200)
    role = GlobalRole(form.global_role.data)
    if role != GlobalRole.NONE:
        ensure("person.set_role")
    try:
        person = people.register_person(
            user(), _invitation_lifetime(), email=form.email.data, full_name=form.full_name.data,
            organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
            job_title=form.job_title.data or "", language=form.language.data, global_role=role)
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error, default_field="organisation" if error.field == "organisation_id" else None)
        return render_template("admin/people_new.html", form=form), error.status
    db.session.commit()
    flash(_("Account created and invitation sent to %(email)s.", email=person.email), "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))


def _render_person(person: Person, form=None, role_form=None, error: DomainError | None = None, status: int = 200):
    form = form or PersonForm(formdata=None, person=person)
    role_form = role_form or RoleForm(formdata=None, global_role=person.global_role.value)
    problem = _(error.message) if error is not None else None
    return render_template("admin/people_edit.html", person=person, form=form, role_form=role_form,
                           problem=problem), status


def _person_or_404(person_id: int) -> Person:
    person = load_or_404(Person, person_id)
    ensure("person.edit", person)
    return person


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
def edit_person(person_id: int):
    person = _person_or_404(person_id)
    form = PersonForm(person=person)
    valid = form.validate_on_submit()
    chosen, organisation_id = optional_organisation(form.organisation) if valid else (False, None)
    if not (valid and chosen):
        return _render_person(person, form=form, status=400 if form.is_submitted() else 200)
    changes = {name: form[name].data for name in EDIT_FIELDS} | {"organisation_id": organisation_id}
    try:
        people.update_person(user(), person, changes, admin_fields=True)
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error, default_field="organisation" if error.field == "organisation_id" else None)
        return _render_person(person, form=form, status=error.status)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))


def _act(person: Person, action, done_message: str):
    """Run a one-button action on a person; a refusal re-renders the page with the reason."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        return _render_person(person, error=error, status=error.status)
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))


@bp.route("/people/<int:person_id>/invitation", methods=["POST"])
def invite_person(person_id: int):
    person = _person_or_404(person_id)
    return _act(person, lambda: people.resend_invitation(user(), person, _invitation_lifetime()),
                _("A new invitation is on its way to %(email)s.", email=person.email))


@bp.route("/people/<int:person_id>/deactivate", methods=["POST"])
def deactivate_person(person_id: int):
    person = _person_or_404(person_id)
    return _act(person, lambda: people.deactivate_person(user(), person),
                _("%(name)s can no longer sign in.", name=person.full_name))


@bp.route("/people/<int:person_id>/reactivate", methods=["POST"])
def reactivate_person(person_id: int):
    person = _person_or_404(person_id)
    return _act(person, lambda: people.reactivate_person(user(), person),
                _("%(name)s can sign in again.", name=person.full_name))


@bp.route("/people/<int:person_id>/role", methods=["POST"])
def set_person_role(person_id: int):
    person = _person_or_404(person_id)
    ensure("person.set_role", person)
    role_form = RoleForm()
    if not role_form.validate_on_submit():
        return _render_person(person, role_form=role_form, status=400)
    try:
        people.set_global_role(user(), person, GlobalRole(role_form.global_role.data))
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(role_form, error)
        return _render_person(person, role_form=role_form, status=error.status)
    db.session.commit()
    flash(_("The global role of %(name)s is now %(role)s.", name=person.full_name,
            role=_(person.global_role.title)), "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))

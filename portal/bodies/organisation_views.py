"""The organisation directory, organisation pages, creating and editing organisations, asking to join."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from committees import directory, policy
from committees.db import db
from committees.errors import DomainError
from committees.models import Committee, Organisation
from committees.services import bodies
from portal.bodies import bp
from portal.bodies.organisation_forms import (
    DirectoryFilterForm,
    JoinCommitteeForm,
    OrganisationForm,
)
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.paging import page_args


@bp.route("/organisations")
def list_organisations():
    ensure("organisation.list")
    form = DirectoryFilterForm(request.args, committees=directory.visible_committees(user()))
    page, per_page = page_args(directory.DEFAULT_PER_PAGE, directory.MAX_PER_PAGE)
    if not form.validate():
        return render_template("bodies/organisations.html", form=form, result=None), 400
    show_inactive = policy.can(user(), "organisation.view_inactive")
    result = directory.list_organisations(user(), form.to_query(page, per_page, show_inactive))
    args = form.url_args(show_inactive)
    if per_page != directory.DEFAULT_PER_PAGE:
        args["per_page"] = str(per_page)
    return render_template("bodies/organisations.html", form=form, result=result,
                           page_url=lambda n: url_for("bodies.list_organisations", **args, page=n))


@bp.route("/organisations/<int:org_id>")
def show_organisation(org_id: int):
    org = load_or_404(Organisation, org_id)
    ensure("organisation.view", org)
    return _render_organisation(org)


def _render_organisation(org: Organisation, join_form: JoinCommitteeForm | None = None, status: int = 200):
    page = directory.get_organisation_page(user(), org)
    if join_form is None and page.joinable and policy.can(user(), "organisation.request_membership", org):
        join_form = JoinCommitteeForm(committees=page.joinable)
    return render_template("bodies/organisation.html", org=org, page=page, join_form=join_form), status


@bp.route("/organisations/<int:org_id>/join", methods=["POST"])
def join_committee(org_id: int):
    org = load_or_404(Organisation, org_id)
    ensure("organisation.request_membership", org)
    form = JoinCommitteeForm(committees=directory.joinable_committees(org))
    if not form.validate_on_submit():
        return _render_organisation(org, form, 400)
    committee = load_or_404(Committee, form.committee_id.data)
    ensure("membership.request", committee)
    try:
        bodies.request_membership(user(), committee, note=form.note.data or "")
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error, default_field="committee_id")
        return _render_organisation(org, form, error.status)
    db.session.commit()
    flash(_("Your request to join %(committee)s has been sent to its co-chairs.", committee=committee.name), "success")
    return redirect(url_for("bodies.show_organisation", org_id=org.id))


@bp.route("/organisations/new", methods=["GET", "POST"])
def create_organisation():
    ensure("organisation.create")
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = bodies.create_organisation(user(), **form.values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            return render_template("bodies/organisation_form.html", form=form, org=None), error.status
        db.session.commit()
        flash(_("The organisation %(name)s has been created.", name=org.name), "success")
        return redirect(url_for("bodies.show_organisation", org_id=org.id))
    return render_template("bodies/organisation_form.html", form=form, org=None), 400 if form.errors else 200


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
def edit_organisation(org_id: int):
    org = load_or_404(Organisation, org_id)
    ensure("organisation.edit", org)
    may_set_active = policy.can(user(), "organisation.set_active", org)
    form = OrganisationForm(obj=org, may_set_active=may_set_active)
    if form.validate_on_submit():
        try:
            bodies.update_organisation(user(), org, form.values(), may_set_active=may_set_active)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            return render_template("bodies/organisation_form.html", form=form, org=org), error.status
        db.session.commit()
        flash(_("The organisation's details have been saved."), "success")
        return redirect(url_for("bodies.show_organisation", org_id=org.id))
    return render_template("bodies/organisation_form.html", form=form, org=org), 400 if form.errors else 200

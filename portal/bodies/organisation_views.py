"""The organisation directory and organisation pages."""
from __future__ import annotations

from flask import render_template

from committees.models import Organisation
from portal.bodies import bp
from portal.loaders import ensure, load_or_404


@bp.route("/organisations")
def list_organisations():
    ensure("organisation.list")
    return render_template("bodies/organisations.html", organisations=[])


@bp.route("/organisations/<int:org_id>")
def show_organisation(org_id: int):
    org = load_or_404(Organisation, org_id)
    ensure("organisation.view", org)
    return render_template("bodies/organisation.html", org=org)

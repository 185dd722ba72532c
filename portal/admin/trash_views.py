"""The trash: deleted meetings, proposals and documents, each restorable by a coordinator."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from committees.db import db
from committees.errors import DomainError
from committees.models import Document, Meeting, Proposal
from committees.services import trash as svc
from portal.admin import bp
from portal.admin.forms import RestoreForm
from portal.loaders import ensure, load_or_404, user

KINDS = {"meetings": Meeting, "proposals": Proposal, "documents": Document}


@bp.route("/trash")
def show_trash():
    ensure("trash.restore")
    return render_template("admin/trash.html", trash=svc.trash(), form=RestoreForm(formdata=None))


@bp.route("/trash/<any(meetings, proposals, documents):kind>/<int:object_id>/restore", methods=["POST"])
def restore_deleted(kind: str, object_id: int):
    ensure("trash.restore")
    obj = load_or_404(KINDS[kind], object_id)
    if not RestoreForm().validate_on_submit():
        abort(400)
    try:
        svc.restore(user(), obj)
    except DomainError as error:
        db.session.rollback()
        flash(_(error.message), "warning")
        return redirect(url_for(".show_trash"))
    db.session.commit()
    flash(_("Restored."), "success")
    return redirect(url_for(".show_trash"))

"""Retention of attachments: the setting, what it makes due, and purging (committees/services/retention.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from committees.db import db
from committees.errors import DomainError
from committees.services import retention as svc
from portal.admin import bp
from portal.admin.forms import PurgeForm, RetentionForm
from portal.forms import apply_domain_error
from portal.loaders import ensure, user

SHOWN = 100


def _page(form: RetentionForm, purge: PurgeForm | None = None, status: int = 200):
    due = svc.due_documents(limit=SHOWN + 1)
    return render_template("admin/retention.html", form=form, purge=purge or PurgeForm(formdata=None),
                           years=svc.retention_years(), due=due[:SHOWN], more=len(due) > SHOWN,
                           closed_at=svc.closed_at), status


@bp.route("/retention", methods=["GET", "POST"])
def retention():
    ensure("retention.manage")
    form = RetentionForm()
    if form.is_submitted():
        if not form.validate():
            return _page(form, status=400)
        try:
            svc.set_retention_years(user(), form.years.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            return _page(form, status=error.status)
        db.session.commit()
        flash(_("The retention setting has been saved."), "success")
        return redirect(url_for(".retention"))
    form.years.data = svc.retention_years()
    return _page(form)


@bp.route("/retention/purge", methods=["POST"])
def purge_retention():
    ensure("retention.manage")
    purge = PurgeForm()
    if not purge.validate_on_submit():
        form = RetentionForm(formdata=None)
        form.years.data = svc.retention_years()
        return _page(form, purge, status=400)
    result = svc.purge_due(user())
    db.session.commit()
    svc.remove_files(result.files)
    flash(ngettext("%(num)d attachment has been purged.", "%(num)d attachments have been purged.", result.count),
          "success")
    return redirect(url_for(".retention"))

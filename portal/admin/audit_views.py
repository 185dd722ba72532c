"""The audit log and the outbox pages: read-only lists for coordinators, paginated.

Reading the audit log is not itself audited (it changes nothing); filters come from allow-lists.
The outbox pages exist only where SHOW_OUTBOX is set (Development, Testing): elsewhere they are 404.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request
from flask_babel import get_timezone, gettext
from sqlalchemy import select
from sqlalchemy.orm import load_only
from wtforms import SelectChoice

from committees import audit
from committees.audit import AuditFilter
from committees.db import db
from committees.models import Committee, OutboxMessage, OutboxStatus
from committees.paging import Slice, slice_rows
from portal.admin import bp
from portal.admin.forms import AuditFilterForm, OutboxFilterForm
from portal.loaders import ensure, load_or_404
from portal.paging import page_args

PER_PAGE = 50
MAX_PER_PAGE = 100


def paginate(stmt) -> Slice:
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    return slice_rows(db.session, stmt, page, per_page)


def _day_start(day: date) -> datetime:
    """Midnight of `day` in the reader's time zone, as UTC."""
    zone = ZoneInfo(str(get_timezone() or "UTC"))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def _audit_filters(form: AuditFilterForm, committees: list) -> None:
    form.action.choices = [SelectChoice("", gettext("All actions"))] + [
        SelectChoice(p, p) for p in audit.action_prefixes()]
    form.target_type.choices = [SelectChoice("", gettext("All types"))] + [
        SelectChoice(t, t) for t in sorted(db.metadata.tables)]
    form.committee.choices = [SelectChoice("", gettext("All committees"))] + [
        SelectChoice(str(c.id), c.name) for c in committees]


def _wanted(form: AuditFilterForm) -> AuditFilter:
    return AuditFilter(
        action_prefix=form.action.data or "", actor_email=form.actor.data or "",
        target_type=form.target_type.data or "",
        committee_id=int(form.committee.data) if form.committee.data else None,
        since=_day_start(form.date_from.data) if form.date_from.data else None,
        before=_day_start(form.date_to.data + timedelta(days=1)) if form.date_to.data else None)


@bp.route("/audit")
def list_audit_entries():
    ensure("audit.view")
    committees = list(db.session.execute(select(Committee.id, Committee.name).order_by(Committee.name)))
    form = AuditFilterForm(formdata=request.args)
    _audit_filters(form, committees)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, committee_names={}), 400
    page = paginate(audit.entries_statement(_wanted(form)))
    return render_template("admin/audit.html", form=form, page=page,
                           committee_names={c.id: c.name for c in committees})


# -- the outbox --------------------------------------------------------------------------------

def _outbox_shown() -> None:
    if not current_app.config.get("SHOW_OUTBOX"):
        abort(404)
    ensure("outbox.view")


@bp.route("/outbox")
def list_outbox_messages():
    _outbox_shown()
    form = OutboxFilterForm(formdata=request.args)
    form.status.choices = [SelectChoice("", gettext("All"))] + [
        SelectChoice(s.value, gettext(s.title)) for s in OutboxStatus]
    if not form.validate():
        return render_template("admin/outbox.html", form=form, page=None), 400
    columns = (OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.kind, OutboxMessage.status,
               OutboxMessage.attempts, OutboxMessage.created_at)
    stmt = select(OutboxMessage).options(load_only(*columns)).order_by(OutboxMessage.id.desc())
    if form.status.data:
        stmt = stmt.where(OutboxMessage.status == OutboxStatus(form.status.data))
    return render_template("admin/outbox.html", form=form, page=paginate(stmt))


@bp.route("/outbox/<int:message_id>")
def show_outbox_message(message_id: int):
    _outbox_shown()
    return render_template("admin/outbox_message.html", message=load_or_404(OutboxMessage, message_id))

"""The audit log and the outbox pages: read-only lists for coordinators, paginated.

Reading the audit log is not itself audited (it changes nothing); filters come from allow-lists.
The outbox pages exist only where SHOW_OUTBOX is set (Development, Testing): elsewhere they are 404.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_timezone, gettext
from sqlalchemy import select
from sqlalchemy.orm import load_only
from wtforms import SelectChoice

from committees import policy
from committees.db import db
from committees.models import AuditEntry, Committee, OutboxMessage, OutboxStatus, Person
from portal.admin import bp
from portal.admin.forms import AuditFilterForm, OutboxFilterForm
from portal.loaders import ensure, load_or_404

PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
# Audit actions are `<noun>.<verb>`; nouns beyond the policy's own.
EXTRA_PREFIXES = ("auth", "role", "import", "export")


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def page_args() -> tuple[int, int]:
    """page and per_page from the query string: not a number or page out of range → 400; per_page clamped."""
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", str(PER_PAGE)))
    except ValueError:
        abort(400)
    if not 1 <= page <= MAX_PAGE:
        abort(400)
    return page, min(max(per_page, 1), MAX_PER_PAGE)


def paginate(stmt) -> Page:
    """One query: fetch one row more than shown to know whether a next page exists (no COUNT)."""
    page, per_page = page_args()
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique())
    return Page(rows[:per_page], page, per_page, len(rows) > per_page)


def page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def action_prefixes() -> list[str]:
    return sorted({name.split(".")[0] for name in policy.RULES} | set(EXTRA_PREFIXES))


def _day_start(day: date) -> datetime:
    """Midnight of `day` in the reader's time zone, as UTC."""
    zone = ZoneInfo(str(get_timezone() or "UTC"))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def _audit_filters(form: AuditFilterForm, committees: list) -> None:
    form.action.choices = [SelectChoice("", gettext("All actions"))] + [SelectChoice(p, p) for p in action_prefixes()]
    form.target_type.choices = [SelectChoice("", gettext("All types"))] + [
        SelectChoice(t, t) for t in sorted(db.metadata.tables)]
    form.committee.choices = [SelectChoice("", gettext("All committees"))] + [
        SelectChoice(str(c.id), c.name) for c in committees]


def _audit_statement(form: AuditFilterForm):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditEntry.action.startswith(form.action.data + ".", autoescape=True))
    if form.actor.data:
        actor_ids = select(Person.id).where(Person.email.contains(form.actor.data.strip().lower(), autoescape=True))
        stmt = stmt.where(AuditEntry.actor_id.in_(actor_ids))
    if form.target_type.data:
        stmt = stmt.where(AuditEntry.target_type == form.target_type.data)
    if form.committee.data:
        stmt = stmt.where(AuditEntry.committee_id == int(form.committee.data))
    if form.date_from.data:
        stmt = stmt.where(AuditEntry.at >= _day_start(form.date_from.data))
    if form.date_to.data:
        stmt = stmt.where(AuditEntry.at < _day_start(form.date_to.data + timedelta(days=1)))
    return stmt


@bp.route("/audit")
def list_audit_entries():
    ensure("audit.view")
    committees = list(db.session.execute(select(Committee.id, Committee.name).order_by(Committee.name)))
    form = AuditFilterForm(formdata=request.args)
    _audit_filters(form, committees)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, committee_names={}), 400
    page = paginate(_audit_statement(form))
    return render_template("admin/audit.html", form=form, page=page, page_url=page_url,
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
    return render_template("admin/outbox.html", form=form, page=paginate(stmt), page_url=page_url)


@bp.route("/outbox/<int:message_id>")
def show_outbox_message(message_id: int):
    _outbox_shown()
    return render_template("admin/outbox_message.html", message=load_or_404(OutboxMessage, message_id))

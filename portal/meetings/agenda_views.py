"""Agenda and documents on the meeting page: items, suggestions, publishing, copying, uploads, downloads, the pack.

The agenda part of the meeting page is built by `agenda_for(meeting)` (a template global); a failed POST
leaves its form with the user's input in `g.agenda_forms` and re-renders the meeting page.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, with_expression
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.exceptions import RequestEntityTooLarge

from committees import policy
from committees.proposal_lists import proposal_visible
from committees.db import db
from committees.errors import DomainError
from committees.models.meetings import AgendaItem, AgendaItemStatus, Document, Meeting
from committees.services import agendas as svc
from committees.services import documents as docs
from portal.downloads import send_document
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.meetings import bp
from portal.meetings.agenda_forms import CopyForm, DecideForm, DocumentForm, EditItemForm, ItemForm, SuggestForm
from portal.meetings.forms import ActionForm
from portal.meetings.views import _show, meeting_or_404


def _items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items with their presenters and suggesters, in one statement; they also become the
    meeting's `items` (its relationship's order), so the schedule does not load them again."""
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
        .options(joinedload(AgendaItem.presenter), joinedload(AgendaItem.presenter_organisation),
                 joinedload(AgendaItem.suggested_by),
                 with_expression(AgendaItem.proposal_visible, proposal_visible(user(), AgendaItem.proposal_id)))))
    if "items" not in meeting.__dict__:
        set_committed_value(meeting, "items", items)
    return items


def _documents(meeting: Meeting) -> list[Document]:
    return list(db.session.scalars(
        select(Document).where(Document.meeting_id == meeting.id, Document.deleted_at.is_(None))
        .order_by(Document.created_at, Document.id)))


def agenda_for(meeting: Meeting) -> dict:
    """Everything the agenda part of the meeting page (and the pack) shows, with the forms the reader may use."""
    me = user()
    items = _items(meeting)
    accepted = [i for i in items if i.status == AgendaItemStatus.ACCEPTED]
    times = dict((i.id, t) for i, t in svc.schedule_times(meeting))
    documents = _documents(meeting) if policy.can(me, "document.download", meeting) else []
    by_item: dict[int | None, list[Document]] = {}
    for document in documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    may_edit = policy.can(me, "agenda.edit", meeting) and meeting.state in svc.OPEN_STATES
    kept = g.get("agenda_forms", {})
    forms = {}
    if may_edit:
        forms["add"] = kept.get("add") or ItemForm(formdata=None, prefix="add").fill_choices(meeting)
        forms["copy"] = kept.get("copy") or CopyForm(formdata=None, prefix="copy").fill_choices(meeting)
        forms["decide"] = kept.get("decide") or DecideForm(formdata=None, prefix="decide")
    if policy.can(me, "agenda.suggest", meeting):
        forms["suggest"] = kept.get("suggest") or SuggestForm(formdata=None, prefix="suggest").fill_choices(meeting)
    if policy.can(me, "document.upload", meeting):
        forms["upload"] = kept.get("upload") or DocumentForm(formdata=None, prefix="upload").fill_choices(accepted)
    return {"entries": accepted, "times": times, "documents": by_item, "may_edit": may_edit,
            "forms": SimpleNamespace(**forms),
            "decide_item_id": kept.get("decide_item_id"),
            "pending": [i for i in items if i.status == AgendaItemStatus.SUGGESTED] if may_edit else [],
            "mine": [i for i in items if i.suggested_by_id == getattr(me, "id", None)
                     and i.status != AgendaItemStatus.ACCEPTED]}


@bp.app_context_processor
def _agenda_globals() -> dict:
    return {"agenda_for": agenda_for}


def _item(meeting: Meeting, item_id) -> AgendaItem:
    return load_or_404(AgendaItem, item_id, parent=meeting)


def _done(meeting_id: int, message: str, anchor: str = "agenda"):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting_id) + "#" + anchor)


def _again(meeting_id: int, key: str, form, error: DomainError | None = None, status: int = 400, **extra):
    """Roll back and show the meeting page with this form, its input and its errors."""
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    alert = None
    if error is not None:
        apply_domain_error(form, error)
        status = error.status
        if not error.field or getattr(form, error.field, None) is None:
            alert = _(error.message)
    if key == "upload":
        form.fill_choices([i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED])
    elif hasattr(form, "fill_choices"):
        form.fill_choices(meeting)
    g.agenda_forms = {key: form, **extra}
    return _show(meeting, alert=alert or _("Please correct the agenda form below."), status=status)


# -- items ---------------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/agenda/items", methods=["POST"])
def add_agenda_item(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    form = ItemForm(prefix="add").fill_choices(meeting)
    if not form.validate_on_submit():
        return _again(meeting_id, "add", form)
    try:
        svc.add_item(user(), meeting, **form.values())
    except DomainError as error:
        return _again(meeting_id, "add", form, error)
    return _done(meeting_id, _("The item has been added to the agenda."))


@bp.route("/meetings/<int:meeting_id>/agenda/suggest", methods=["POST"])
def suggest_agenda_item(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.suggest")
    form = SuggestForm(prefix="suggest").fill_choices(meeting)
    if not form.validate_on_submit():
        return _again(meeting_id, "suggest", form)
    try:
        svc.suggest_item(user(), meeting, **form.values())
    except DomainError as error:
        return _again(meeting_id, "suggest", form, error)
    return _done(meeting_id, _("Thank you: your suggestion waits for the co-chairs' decision."))


def _edit_page(meeting: Meeting, item: AgendaItem, form: EditItemForm, *, alert=None, current=None, status=200):
    return render_template("meetings/agenda_item.html", meeting=meeting, item=item, form=form, alert=alert,
                           current=current), status


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_agenda_item(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    item = _item(meeting, item_id)
    if request.method == "GET":
        form = EditItemForm(obj=item).fill_choices(meeting)
        form.version.data = item.version
        return _edit_page(meeting, item, form)
    form = EditItemForm().fill_choices(meeting)
    if not form.validate_on_submit():
        return _edit_page(meeting, item, form, status=400)
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        abort(400)
    try:
        svc.update_item(user(), item, form.values(), expected_version=expected)
        db.session.flush()
    except DomainError as error:
        db.session.rollback()
        meeting, item = db.session.get(Meeting, meeting_id), db.session.get(AgendaItem, item_id)
        apply_domain_error(form, error)
        conflict = error.code == "edit_conflict"
        if conflict:
            form.version.data = item.version  # saving again, knowingly, replaces their version with this text
        alert = _(error.message) if conflict or not error.field else None
        return _edit_page(meeting, item, form, alert=alert, current=item if conflict else None, status=error.status)
    return _done(meeting_id, _("The item has been saved."))


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/move", methods=["POST"])
def move_agenda_item(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    item = _item(meeting, item_id)
    direction = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if not ActionForm().validate_on_submit() or direction is None:
        abort(400)
    try:
        svc.move_item(user(), item, direction)
    except DomainError as error:
        return _again(meeting_id, "move", ActionForm(), error)
    return _done(meeting_id, _("The agenda has been reordered."), f"item-{item_id}")


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/remove", methods=["POST"])
def remove_agenda_item(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    item = _item(meeting, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        svc.remove_item(user(), item)
    except DomainError as error:
        return _again(meeting_id, "remove", ActionForm(), error)
    return _done(meeting_id, _("The item has been removed from the agenda."))


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/decide", methods=["POST"])
def decide_agenda_suggestion(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    item = _item(meeting, item_id)
    form = DecideForm(prefix="decide")
    accept = {"accept": True, "decline": False}.get(request.form.get("decision", ""))
    if accept is None or not form.validate_on_submit():
        return _again(meeting_id, "decide", form, decide_item_id=item_id)
    try:
        svc.decide_suggestion(user(), item, accept, form.reason.data or "")
    except DomainError as error:
        return _again(meeting_id, "decide", form, error, decide_item_id=item_id)
    return _done(meeting_id, _("The suggestion has been accepted.") if accept
                 else _("The suggestion has been declined."))


# -- the agenda as a whole -----------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/agenda/publish", methods=["POST"])
def publish_agenda(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        count = svc.publish_agenda(user(), meeting)
    except DomainError as error:
        db.session.rollback()
        return _show(db.session.get(Meeting, meeting_id), alert=_(error.message), status=error.status)
    return _done(meeting_id, _("The agenda has been published; %(num)d invited people were told.", num=count))


@bp.route("/meetings/<int:meeting_id>/agenda/copy", methods=["POST"])
def copy_agenda(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "agenda.edit")
    form = CopyForm(prefix="copy").fill_choices(meeting)
    if not form.validate_on_submit():
        return _again(meeting_id, "copy", form)
    source = db.session.get(Meeting, form.source_id.data)
    if source is None or source.committee_id != meeting.committee_id or source.deleted_at is not None:
        abort(404)
    try:
        count = svc.copy_agenda(user(), source, meeting)
    except DomainError as error:
        return _again(meeting_id, "copy", form, error)
    return _done(meeting_id, _("%(num)d items have been copied.", num=count))


# -- documents -----------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
def upload_document(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "document.upload")
    accepted = [i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED]
    try:
        form = DocumentForm(prefix="upload").fill_choices(accepted)
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return _too_large(meeting_id)
    if not valid:
        return _again(meeting_id, "upload", form)
    item = _item(meeting, form.agenda_item_id.data) if form.agenda_item_id.data else None
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form.file.errors = [_("Choose a file.")]
        return _again(meeting_id, "upload", form)
    from flask import current_app

    try:
        docs.upload_document(user(), meeting, upload.filename, upload.read(),
                             max_bytes=current_app.config["MAX_DOCUMENT_BYTES"], item=item)
    except DomainError as error:
        return _again(meeting_id, "upload", form, error)
    return _done(meeting_id, _("The document has been attached."), "documents")


def _too_large(meeting_id: int):
    from flask import current_app

    limit = current_app.config["MAX_DOCUMENT_BYTES"] // (1024 * 1024)
    meeting = db.session.get(Meeting, meeting_id)
    return _show(meeting, alert=_("The file is too large: the limit is %(mb)d MB.", mb=limit), status=413)


def _document(document_id: int, action: str) -> Document:
    """A document of a meeting the user may see (else 404), checked against `action` on that meeting."""
    document = load_or_404(Document, document_id)
    if document.deleted_at is not None or document.meeting is None:
        abort(404)
    meeting_or_404(document.meeting_id, "meeting.view")
    ensure(action, document.meeting)
    return document


@bp.route("/documents/<int:document_id>")
def download_document(document_id: int):
    return send_document(_document(document_id, "document.download"))


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
def delete_document(document_id: int):
    document = _document(document_id, "document.upload")
    meeting_id = document.meeting_id
    if not ActionForm().validate_on_submit():
        abort(400)
    docs.delete_document(user(), document)
    return _done(meeting_id, _("The document has been removed."), "documents")


# -- the meeting pack ----------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/pack")
def meeting_pack(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    return render_template("meetings/pack.html", meeting=meeting, agenda=agenda_for(meeting))

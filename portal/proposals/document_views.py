"""A proposal as a record: its versions and the side-by-side diff of any two (like the minutes' versions), and its
documents (attached by the authors under the meeting documents' rules, and the City's reply). Whoever sees the
proposal reads its versions and downloads its documents; the authors attach and remove them before the decision."""
from __future__ import annotations


from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from committees import policy
from committees.db import db
from committees.errors import DomainError
from committees.models import Document
from committees.models.proposals import Proposal, ProposalVersion
from committees.services import proposals as svc
from portal.downloads import send_document
from portal.loaders import load_or_404, user
from portal.minutes.document_views import _plain
from portal.proposals import bp
from portal.proposals.forms import DocumentForm, StepForm
from portal.proposals.views import done, failed, invalid, proposal_or_404, reload, show


# -- versions ------------------------------------------------------------------------------------------------------

def _versions_page(proposal: Proposal, *, diff=None, a=None, b=None, alert=None, status: int = 200):
    versions = list(db.session.scalars(
        db.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
        .order_by(ProposalVersion.number).options(selectinload(ProposalVersion.author))))
    return render_template("proposals/versions.html", proposal=proposal, committee=proposal.committee,
                           versions=versions, diff=diff, a=a, b=b, alert=alert,
                           members=policy.can(user(), "proposal.view_comments", proposal)), status


@bp.route("/proposals/<int:proposal_id>/versions")
def list_proposal_versions(proposal_id: int):
    return _versions_page(proposal_or_404(proposal_id))[0]


@bp.route("/proposals/<int:proposal_id>/versions/compare")
def compare_proposal_versions(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    try:
        first, second = svc.version(proposal, int(a)), svc.version(proposal, int(b))
    except (ValueError, DomainError):
        return _versions_page(proposal, a=a, b=b, alert=_("Unknown version: choose two of the versions listed."),
                              status=400)
    diff = _plain(svc.compare_versions(proposal, first.number, second.number))
    for section in diff:
        section["title"] = _(section["title"])
    return _versions_page(proposal, diff=diff, a=first, b=second)[0]


# -- documents -----------------------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/documents", methods=["POST"])
def attach_proposal_document(proposal_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.author")
    try:
        form = DocumentForm(prefix="document", meta={"csrf": False})
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_DOCUMENT_BYTES"] // (1024 * 1024)
        return show(proposal, alert=_("The file is too large: the limit is %(mb)d MB.", mb=limit), status=413)
    upload = form.file.data
    if valid and not (upload and getattr(upload, "filename", "")):
        form.file.errors = [_("Choose a file.")]
        valid = False
    if not valid:
        return invalid(proposal, "document", form)
    try:
        svc.attach_document(user(), proposal, upload.filename, upload.read(),
                            max_bytes=current_app.config["MAX_DOCUMENT_BYTES"])
    except DomainError as error:
        return failed(proposal_id, "document", form, error)
    return done(proposal_id, _("The document has been attached."), "documents")


def _document(proposal: Proposal, document_id: int) -> Document:
    document = load_or_404(Document, document_id, parent=proposal, parent_attr="proposal_id")
    if document.deleted_at is not None:
        abort(404)
    return document


@bp.route("/proposals/<int:proposal_id>/documents/<int:document_id>")
def download_proposal_document(proposal_id: int, document_id: int):
    return send_document(_document(proposal_or_404(proposal_id), document_id))


@bp.route("/proposals/<int:proposal_id>/documents/<int:document_id>/remove", methods=["POST"])
def remove_proposal_document(proposal_id: int, document_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.author")
    document = _document(proposal, document_id)
    if not StepForm().validate_on_submit():
        abort(400)
    name = document.filename
    try:
        svc.remove_document(user(), proposal, document)
    except DomainError as error:
        db.session.rollback()
        return show(reload(proposal_id), alert=_(error.message), status=error.status)
    return done(proposal_id, _("%(name)s has been removed.", name=name), "documents")

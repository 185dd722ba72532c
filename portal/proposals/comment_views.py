"""The members' discussion of a proposal: comments (Markdown, sanitised on save) and hiding them with a reason
(co-chairs and coordinators; the author still sees a hidden comment, marked). Rules: proposal.comment,
proposal.moderate."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from committees.db import db
from committees.errors import DomainError
from committees.models.proposals import ProposalComment
from committees.services import proposals as svc
from portal.loaders import load_or_404, user
from portal.proposals import bp
from portal.proposals.forms import CommentForm, HideForm, StepForm
from portal.proposals.views import done, failed, invalid, proposal_or_404, reload, show


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
def comment_on_proposal(proposal_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.comment")
    form = CommentForm(prefix="comment", meta={"csrf": False})
    if not form.validate_on_submit():
        return invalid(proposal, "comment", form)
    try:
        comment = svc.add_comment(user(), proposal, form.body.data or "",
                                  safeguarding_reason=form.safeguarding_reason.data)
    except DomainError as error:
        return failed(proposal_id, "comment", form, error)
    db.session.flush()
    return done(proposal_id, _("Your comment has been posted."), f"comment-{comment.id}")


def _comment(proposal_id: int, comment_id: int) -> ProposalComment:
    proposal = proposal_or_404(proposal_id, "proposal.moderate")
    return load_or_404(ProposalComment, comment_id, parent=proposal)


@bp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>/hide", methods=["POST"])
def hide_proposal_comment(proposal_id: int, comment_id: int):
    comment = _comment(proposal_id, comment_id)
    key = f"hide-{comment_id}"
    form = HideForm(prefix=key, meta={"csrf": False})
    if not form.validate_on_submit():
        return invalid(comment.proposal, key, form)
    try:
        svc.hide_comment(user(), comment, form.reason.data or "")
    except DomainError as error:
        return failed(proposal_id, key, form, error)
    return done(proposal_id, _("The comment has been hidden. Its author still sees it, marked hidden."),
                f"comment-{comment_id}")


@bp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>/unhide", methods=["POST"])
def unhide_proposal_comment(proposal_id: int, comment_id: int):
    comment = _comment(proposal_id, comment_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        svc.unhide_comment(user(), comment)
    except DomainError as error:
        db.session.rollback()
        return show(reload(proposal_id), alert=_(error.message), status=error.status)
    return done(proposal_id, _("The comment is shown again."), f"comment-{comment_id}")

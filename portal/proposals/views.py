"""The proposal page and its main actions: filing, the page itself (text, co-sponsors, supports, the City's reply,
the timeline, the workflow steps the reader may take), editing with its conflict view, and the workflow steps.
Co-sponsors and supports are in member_views, comments in comment_views, versions and documents in document_views.

Who may do what is the policy's (proposal.*): a proposal the reader may not see is a 404 when it is a draft or its
committee is hidden from them, else a 403 (the public is sent to sign in). A domain error re-renders the page or
form with its message and what the user typed (400, 403 or 409), never a 500.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_currency, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from committees import policy, proposal_lists
from committees.db import db, utcnow
from committees.errors import DomainError
from committees.languages import default_language
from committees.models import Committee
from committees.models.proposals import CosponsorStatus, Proposal, ProposalCosponsor
from committees.services import proposals as svc
from committees.services import trash
from committees.workflow import PROPOSAL_TRANSITIONS
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, ensure, user
from portal.proposals import bp
from portal.proposals.forms import (AgendaStepForm, AnswerForm, CommentForm, DecisionStepForm, DocumentForm,
                                    EditProposalForm, ForwardStepForm, InviteForm, NewProposalForm, ReasonStepForm,
                                    ReplyStepForm, StepForm, SubmitStepForm, budget_text)

# One statement: the proposal, its committee and organisation, its co-sponsors (a few) and theirs.
LOAD = (joinedload(Proposal.committee), joinedload(Proposal.organisation),
        joinedload(Proposal.cosponsors).joinedload(ProposalCosponsor.organisation))
# The page itself: the same, and the proposal's documents (a handful, like its co-sponsors) in that statement.
PAGE_LOAD = (*LOAD, joinedload(Proposal.documents))
# Timeline events the public does not read (who was asked to co-sponsor and how they answered).
MEMBERS_ONLY_EVENTS = frozenset({"created", "cosponsor_invited", "cosponsor_accepted", "cosponsor_declined",
                                 "cosponsor_removed"})


def can(action: str, obj=None) -> bool:
    return policy.can(user(), action, obj)


def proposal_or_404(proposal_id: int, action: str = "proposal.view", load: tuple = LOAD) -> Proposal:
    """The proposal if the reader may see it (a draft, or one of a committee hidden from them: 404; otherwise 403,
    and the public is sent to sign in), then checked against `action`."""
    proposal = db.session.scalars(select(Proposal).where(Proposal.id == proposal_id).options(*load)).unique().first()
    if proposal is None:
        abort(404)
    if not can("proposal.view", proposal):
        if current_user.is_authenticated and (proposal.submitted_at is None
                                              or not can("committee.view", proposal.committee)):
            abort(404)
        ensure("proposal.view", proposal)
    if action != "proposal.view":
        ensure(action, proposal)
    return proposal


def reload(proposal_id: int) -> Proposal:
    """After a rollback: the proposal as it is stored now."""
    db.session.expire_all()
    return proposal_or_404(proposal_id)


# -- filing ------------------------------------------------------------------------------------------------------

@bp.route("/committees/<slug>/proposals/new", methods=["GET", "POST"])
def new_proposal(slug: str):
    committee = committee_or_404(slug, "proposal.create")
    form = NewProposalForm()
    if not form.is_submitted():
        form.language.data = default_language(user()) or ""
    if not form.validate_on_submit():
        return _form_page("proposals/new.html", form, committee=committee, status=400 if form.is_submitted() else 200)
    try:
        proposal = svc.create_proposal(user(), committee, **form.values())
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _form_page("proposals/new.html", form, committee=committee_or_404(slug, "proposal.create"),
                          status=error.status)
    db.session.commit()
    flash(_("Your draft has been saved. Only your organisation sees it until you submit it."), "success")
    return redirect(url_for(".show_proposal", proposal_id=proposal.id))


def _form_page(template: str, form, *, status: int = 200, **context):
    return render_template(template, form=form, **context), status


# -- the proposal page ---------------------------------------------------------------------------------------------

STEP_FORMS = {"submit": SubmitStepForm, "put_on_agenda": AgendaStepForm, "endorse": DecisionStepForm,
              "decline": DecisionStepForm, "forward": ForwardStepForm, "adopt": ReplyStepForm,
              "adopt_in_part": ReplyStepForm, "not_adopt": ReplyStepForm}


def step_form(name: str, proposal: Proposal, submitted: bool = True):
    """The form of one step, from the request or blank; several are on the page, so each has its step's name as
    a prefix (the app-wide CSRF protection checks the page's token)."""
    kwargs = {"prefix": name, "meta": {"csrf": False}}
    if not submitted:
        kwargs["formdata"] = None
    form_class = STEP_FORMS.get(name) or (ReasonStepForm if PROPOSAL_TRANSITIONS[name].needs_reason else StepForm)
    form = form_class(**kwargs)
    if hasattr(form, "fill_choices"):
        form.fill_choices(proposal)
    return form


def page_form(form_class, key: str, forms: dict, proposal: Proposal | None = None):
    """A form of the page: the one that failed (with its input), else a blank one."""
    if key in forms:
        return forms[key]
    form = form_class(formdata=None, prefix=key, meta={"csrf": False})
    return form.fill_choices(proposal) if hasattr(form, "fill_choices") else form


def _timeline(proposal: Proposal, members: bool) -> list:
    entries = proposal_lists.timeline(user(), proposal)
    if members:
        return entries
    return [e for e in entries if not (e.kind == "event" and e.obj.kind in MEMBERS_ONLY_EVENTS)]


def _my_org_id():
    person = policy.person_of(user())
    return person.organisation_id if person is not None else None


def today():
    """Today in the reader's time zone (a response deadline passes the day after it)."""
    return utcnow().astimezone(get_timezone()).date()


def _reply_document(entries: list):
    """The document of the City's reply, if one came with it."""
    documents = [e.obj.document for e in entries if e.kind == "event" and e.obj.kind in svc.CITY_RESPONSES
                 and e.obj.document is not None and e.obj.document.deleted_at is None]
    return documents[-1] if documents else None


def show(proposal: Proposal, *, forms: dict | None = None, alert: str | None = None, status: int = 200):
    """Render the proposal page; `forms` holds a failed form (by key) so its input and errors are shown."""
    forms = forms or {}
    members = can("proposal.view_comments", proposal)
    author = can("proposal.author", proposal)
    steps = svc.allowed_transitions(user(), proposal)
    entries = _timeline(proposal, members)
    my_org = _my_org_id()
    supporters = proposal_lists.supporting_organisations(proposal)
    context = {
        "proposal": proposal, "committee": proposal.committee, "members": members, "author": author,
        "steps": steps, "step_forms": {t.name: forms.get(t.name) or step_form(t.name, proposal, submitted=False)
                                       for t in steps},
        "timeline": entries, "comments": [e.obj for e in entries if e.kind == "comment"],
        "supporters": supporters, "supported": any(o.id == my_org for o in supporters),
        "may_support": can("proposal.support", proposal), "may_moderate": can("proposal.moderate", proposal),
        "may_edit": can("proposal.edit", proposal), "documents": svc.proposal_documents(proposal),
        "accepted": proposal.accepted_cosponsors,
        "pending": [c for c in proposal.cosponsors if c.status != CosponsorStatus.ACCEPTED] if author else [],
        "alert": alert, "event_title": proposal_lists.event_title, "today": today(),
        "reply_document": _reply_document(entries),
        "budget": format_currency(proposal.budget_eur, "EUR") if proposal.budget_eur is not None else None,
    }
    before_decision = proposal.state in svc.BEFORE_DECISION_STATES
    if author and before_decision:
        context["invite_form"] = page_form(InviteForm, "invite", forms, proposal)
        context["document_form"] = page_form(DocumentForm, "document", forms)
    if can("proposal.cosponsor", proposal):
        context["answer_form"] = page_form(AnswerForm, "answer", forms)
    if can("proposal.comment", proposal):
        context["comment_form"] = page_form(CommentForm, "comment", forms)
    context["hide_forms"] = {k: v for k, v in forms.items() if k.startswith("hide-")}
    return render_template("proposals/show.html", **context), status


@bp.route("/proposals/<int:proposal_id>")
def show_proposal(proposal_id: int):
    return show(proposal_or_404(proposal_id, load=PAGE_LOAD))


def failed(proposal_id: int, key: str, form, error: DomainError):
    """Roll back, then show the page again with this form, its input and the message."""
    db.session.rollback()
    proposal = reload(proposal_id)
    apply_domain_error(form, error)
    on_field = bool(error.field and getattr(form, error.field, None) is not None)
    return show(proposal, forms={key: form}, alert=None if on_field else _(error.message), status=error.status)


def invalid(proposal: Proposal, key: str, form):
    return show(proposal, forms={key: form}, alert=_("Please correct the form below."), status=400)


def done(proposal_id: int, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_proposal", proposal_id=proposal_id) + (f"#{anchor}" if anchor else ""))


# -- editing -------------------------------------------------------------------------------------------------------

def _edit_page(proposal: Proposal, form: EditProposalForm, *, alert: str | None = None, theirs: dict | None = None,
               status: int = 200):
    return render_template("proposals/edit.html", proposal=proposal, committee=proposal.committee, form=form,
                           alert=alert, theirs=theirs), status


def stored_texts(proposal: Proposal) -> dict[str, str]:
    """The stored text, field by field, as the form shows it."""
    texts = {name: getattr(proposal, name) or "" for name in svc.FIELD_TITLES}
    texts["budget_eur"] = budget_text(proposal)
    return texts


def _edit_data(proposal: Proposal) -> dict[str, str]:
    return {**stored_texts(proposal), "language": proposal.language or ""}


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit_proposal(proposal_id: int):
    proposal = proposal_or_404(proposal_id, "proposal.edit")
    if request.method == "GET":
        form = EditProposalForm(formdata=None, data=_edit_data(proposal))
        form.version.data = str(proposal.version)
        return _edit_page(proposal, form)
    form = EditProposalForm()
    if not form.validate_on_submit() or form.expected_version() is None:
        if form.expected_version() is None:
            form.form_errors.append(_("This form is damaged or out of date (unknown version). Your text is kept "
                                      "below: copy it, reload the page and save again."))
        return _edit_page(proposal, form, status=400)
    try:
        changed = svc.update_proposal(user(), proposal, form.values(), expected_version=form.expected_version(),
                                      note=form.note.data or "", safeguarding_reason=form.safeguarding_reason.data)
    except DomainError as error:
        db.session.rollback()
        proposal = reload(proposal_id)
        if error.code == "edit_conflict":
            form.version.data = str(proposal.version)  # saving again, knowingly, replaces their text with yours
            return _edit_page(proposal, form, alert=_(error.message), theirs=stored_texts(proposal), status=409)
        apply_domain_error(form, error)
        return _edit_page(proposal, form, status=error.status)
    if not changed:
        flash(_("Nothing has changed."), "info")
        return redirect(url_for(".show_proposal", proposal_id=proposal_id))
    return done(proposal_id, _("The proposal has been saved.") + (
        " " + _("This is version %(num)d.", num=proposal.current_version) if proposal.submitted_at else ""))


# -- the workflow --------------------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/steps/<name>", methods=["POST"])
def take_proposal_step(proposal_id: int, name: str):
    step = PROPOSAL_TRANSITIONS.get(name)
    if step is None:
        abort(404)
    proposal = proposal_or_404(proposal_id, step.action)
    try:
        form = step_form(name, proposal)
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_DOCUMENT_BYTES"] // (1024 * 1024)
        return show(proposal, alert=_("The file is too large: the limit is %(mb)d MB.", mb=limit), status=413)
    if not valid:
        return invalid(proposal, name, form)
    values = form.values() if hasattr(form, "values") else {}
    if hasattr(form, "reason"):
        values["reason"] = form.reason.data or ""
    if hasattr(form, "safeguarding_reason"):
        values["safeguarding_reason"] = form.safeguarding_reason.data
    try:
        svc.transition_proposal(user(), proposal, name, max_bytes=current_app.config["MAX_DOCUMENT_BYTES"], **values)
    except DomainError as error:
        return failed(proposal_id, name, form, error)
    return done(proposal_id, _("Done: %(step)s.", step=_(step.title)))


@bp.route("/proposals/<int:proposal_id>/delete", methods=["POST"])
def delete_proposal(proposal_id: int):
    """A soft delete (committees/services/trash.py): a coordinator can restore it from the trash."""
    proposal = proposal_or_404(proposal_id, "proposal.delete")  # the only refusal the service could raise
    if not StepForm().validate_on_submit():
        abort(400)
    trash.delete_proposal(user(), proposal)
    slug = proposal.committee.slug
    db.session.commit()
    flash(_("The proposal has been deleted. A coordinator can restore it."), "success")
    return redirect(url_for("proposals.committee_proposals", slug=slug))


@bp.app_template_global()
def proposal_link(proposal_id: int | None, committee_id: int, visible: bool | None = None) -> str | None:
    """The proposal page's address, when the reader may see the proposal (for agenda items and decisions of the
    committee `committee_id`). `visible`: their `proposal_visible`, when their statement brought it; else one
    query per committee and request, whatever the number of links."""
    if not proposal_id:
        return None
    if visible is None:
        visible = proposal_id in _visible_ids(committee_id)
    return url_for("proposals.show_proposal", proposal_id=proposal_id) if visible else None


def _visible_ids(committee_id: int) -> set[int]:
    cache = g.setdefault("visible_proposal_ids", {})
    if committee_id not in cache:
        cache[committee_id] = set(db.session.scalars(
            select(Proposal.id).join(Committee, Committee.id == Proposal.committee_id)
            .where(Proposal.committee_id == committee_id, proposal_lists.visible_proposals(user()))))
    return cache[committee_id]


from portal.proposals import comment_views, document_views, member_views  # noqa: E402,F401

"""Forms for proposals: the text (filing and editing, with the version), the workflow steps (reason, agenda item,
decision, City department and deadline, the City's reply and its document), co-sponsors, comments, documents."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (DateField, HiddenField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from committees.db import db, utcnow
from committees.languages import CONTENT_LANGUAGES
from committees.models import AgendaItem, AgendaItemStatus, Meeting, Membership, MembershipStatus, Organisation
from committees.models.minutes import Decision
from committees.models.proposals import CosponsorStatus, Proposal
from committees.services import proposals as svc
from portal.forms import SafeguardingMixin

AGENDA_CHOICES = 40
DECISION_CHOICES = 40


class ProposalForm(FlaskForm):
    """The authors' text. The service checks it again (limits, the budget in euros) and maps errors onto fields."""

    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the proposal a title.")),
                                                 Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)], render_kw={"rows": 3, "maxlength": 500},
                            description=_l("At most 500 characters: what you propose, in a few sentences."))
    body = TextAreaField(_l("Full text"), validators=[Length(max=svc.TEXT_LIMITS["body"])], render_kw={"rows": 12},
                         description=_l("Markdown is allowed: **bold**, lists, links."))
    target_group = StringField(_l("Target group"), validators=[Length(max=300)],
                               description=_l("Who benefits, for example: asylum seekers in Athens."))
    expected_impact = TextAreaField(_l("Expected impact"),
                                    validators=[Length(max=svc.TEXT_LIMITS["expected_impact"])],
                                    render_kw={"rows": 4})
    budget_eur = StringField(_l("Estimated budget (EUR)"), validators=[Optional(), Length(max=40)],
                             render_kw={"inputmode": "decimal"},
                             description=_l("Optional. In euros, for example 12500 or 12500.50."))
    timeframe = StringField(_l("Timeframe"), validators=[Length(max=200)],
                            description=_l("For example: 12 months from September."))
    language = SelectField(_l("Language of the text"), validate_choice=False,
                           choices=[SelectChoice("", _l("Not given"))]
                           + [SelectChoice(code, name) for code, name in CONTENT_LANGUAGES.items()],
                           description=_l("Screen readers and search use it to read the proposal right."))

    def values(self) -> dict:
        return {name: self[name].data or "" for name in svc.PROPOSAL_FIELDS if name in self}


class NewProposalForm(ProposalForm):
    submit = SubmitField(_l("Save the draft"))


class EditProposalForm(SafeguardingMixin, ProposalForm):
    version = HiddenField()
    note = StringField(_l("What changed (optional)"), validators=[Length(max=2000)],
                       description=_l("Kept with the new version."))
    submit = SubmitField(_l("Save the changes"))

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def budget_text(proposal: Proposal) -> str:
    return "" if proposal.budget_eur is None else f"{proposal.budget_eur:.2f}"


# -- workflow steps ------------------------------------------------------------------------------------------------

class StepForm(FlaskForm):
    """A one-click step; the page's CSRF token travels with it."""


class SubmitStepForm(SafeguardingMixin, StepForm):
    """Submitting: one click, unless the text looks like a beneficiary's personal data (then a reason)."""


class ReasonStepForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)], render_kw={"rows": 2},
                           description=_l("Required. The authors and the co-chairs read it."))


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.title} ({format_date(meeting.starts_at)})" if meeting.starts_at else meeting.title


class AgendaStepForm(FlaskForm):
    """put_on_agenda: an accepted item of a coming meeting ("item-<id>") or a new item on one ("meeting-<id>")."""

    target = SelectField(_l("Agenda item"), validate_choice=True,
                         validators=[DataRequired(message=_l("Choose a coming meeting or one of its agenda items."))],
                         description=_l("A coming meeting of this committee: a new item is added to its agenda, or "
                                        "choose an item already on it."))

    def fill_choices(self, proposal: Proposal) -> "AgendaStepForm":
        now = utcnow()
        meetings = list(db.session.scalars(
            select(Meeting).where(Meeting.committee_id == proposal.committee_id, Meeting.deleted_at.is_(None),
                                  Meeting.state.in_(svc.OPEN_MEETING_STATES),
                                  (Meeting.starts_at.is_(None)) | (Meeting.starts_at > now))
            .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id).limit(AGENDA_CHOICES)))
        items: dict[int, list[AgendaItem]] = {}
        if meetings:
            for item in db.session.scalars(
                    select(AgendaItem).where(AgendaItem.meeting_id.in_([m.id for m in meetings]),
                                             AgendaItem.status == AgendaItemStatus.ACCEPTED,
                                             (AgendaItem.proposal_id.is_(None))
                                             | (AgendaItem.proposal_id == proposal.id))
                    .order_by(AgendaItem.position, AgendaItem.id)):
                items.setdefault(item.meeting_id, []).append(item)
        choices = [SelectChoice("", _l("Choose…"))]
        for meeting in meetings:
            label = _meeting_label(meeting)
            choices.append(SelectChoice(f"meeting-{meeting.id}",
                                        _l("A new item on the agenda of %(meeting)s", meeting=label)))
            choices += [SelectChoice(f"item-{item.id}", f"{item.title} — {label}")
                        for item in items.get(meeting.id, [])]
        self.target.choices = choices
        return self

    def values(self) -> dict:
        kind, _sep, raw = (self.target.data or "").partition("-")
        obj = db.session.get(AgendaItem if kind == "item" else Meeting, int(raw))
        return {"agenda_item": obj} if kind == "item" else {"meeting": obj}


class DecisionStepForm(FlaskForm):
    """endorse / decline: optionally the decision in the minutes (the committee's, not about another proposal)."""

    decision_id = SelectField(_l("Decision in the minutes (optional)"), coerce=lambda v: int(v) if v else None,
                              validators=[Optional()],
                              description=_l("Links the decision in the minutes with this proposal."))
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)], render_kw={"rows": 2})

    def fill_choices(self, proposal: Proposal) -> "DecisionStepForm":
        rows = db.session.execute(
            select(Decision.id, Decision.number, Decision.text).where(
                Decision.committee_id == proposal.committee_id,
                (Decision.proposal_id.is_(None)) | (Decision.proposal_id == proposal.id))
            .order_by(Decision.created_at.desc(), Decision.id.desc()).limit(DECISION_CHOICES)).all()
        self.decision_id.choices = [SelectChoice("", _l("No decision linked"))] + [
            SelectChoice(row.id, f"{row.number}: {row.text[:80]}") for row in rows]
        return self

    def values(self) -> dict:
        decision = db.session.get(Decision, self.decision_id.data) if self.decision_id.data else None
        return {"decision": decision}


class ForwardStepForm(FlaskForm):
    department = StringField(_l("City department addressed"), validators=[Length(max=200)],
                             description=_l("For example: Directorate of Social Solidarity."))
    response_deadline = DateField(_l("Response deadline"), validators=[Optional()],
                                  description=_l("The coordinators are reminded when it passes without a reply."))

    def values(self) -> dict:
        return {"department": self.department.data or "", "response_deadline": self.response_deadline.data}


class ReplyStepForm(FlaskForm):
    """The City's response: its reply (text) and optionally its document; a reason for "not adopted"."""

    reply = TextAreaField(_l("The City's reply"), validators=[Length(max=svc.REPLY_MAX)], render_kw={"rows": 5},
                          description=_l("Required. Markdown is allowed."))
    document = FileField(_l("The reply as a document (optional)"),
                         description=_l("PDF, office documents or images, as for meeting documents."))
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)], render_kw={"rows": 2})

    def values(self) -> dict:
        upload = self.document.data
        document = None
        if upload and getattr(upload, "filename", ""):
            document = (upload.filename, upload.read())
        return {"reply": self.reply.data or "", "reply_document": document}


# -- co-sponsors, supports, comments, documents ---------------------------------------------------------------------

class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(FlaskForm):
    organisation_ids = MultiCheckboxField(_l("Member organisations to invite"), coerce=int,
                                          validators=[DataRequired(message=_l("Choose at least one organisation."))])
    submit = SubmitField(_l("Invite to co-sponsor"))

    def fill_choices(self, proposal: Proposal) -> "InviteForm":
        """The committee's other active member organisations not invited (or declined: they may be asked again)."""
        taken = {c.organisation_id for c in proposal.cosponsors if c.status != CosponsorStatus.DECLINED}
        rows = db.session.execute(
            select(Organisation.id, Organisation.name).join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.committee_id == proposal.committee_id, Membership.status == MembershipStatus.ACTIVE,
                   Organisation.active.is_(True), Organisation.id != proposal.organisation_id)
            .order_by(Organisation.name, Organisation.id)).all()
        self.organisation_ids.choices = [SelectChoice(row.id, row.name) for row in rows if row.id not in taken]
        return self


class AnswerForm(FlaskForm):
    answer = RadioField(_l("Your answer"),
                        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
                        validators=[DataRequired(message=_l("Accept or decline."))])


class CommentForm(SafeguardingMixin, FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[Length(max=svc.COMMENT_MAX)], render_kw={"rows": 4},
                         description=_l("Markdown is allowed. The committee's members read it."))
    submit = SubmitField(_l("Post the comment"))


class HideForm(FlaskForm):
    reason = StringField(_l("Reason for hiding"), validators=[Length(max=2000)])


class DocumentForm(FlaskForm):
    file = FileField(_l("Document"), description=_l("PDF, office documents or images, as for meeting documents."))
    submit = SubmitField(_l("Attach"))

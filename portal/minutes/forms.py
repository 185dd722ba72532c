"""Forms for minutes: the editor (one textarea per section and the version), corrections, workflow steps,
comments, decisions, the version comparison and the period of compiled minutes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (DateTimeLocalField, HiddenField, RadioField, SelectChoice, SelectField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from committees.db import db
from committees.languages import CONTENT_LANGUAGES
from committees.models.meetings import Meeting, MeetingState
from committees.models.minutes import ApprovedHow, Minutes, MinutesSection
from committees.services.minutes import MAX_TEXT
from portal.forms import SafeguardingMixin
from portal.templating import section_title


def _id_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def section_field_name(section: MinutesSection) -> str:
    return f"section_{section.id}"


class SectionsForm(FlaskForm):
    """One textarea per section (added by `for_sections`) and the version the editor was loaded at."""

    version = HiddenField()

    @classmethod
    def for_sections(cls, sections: list[MinutesSection], **kwargs) -> "SectionsForm":
        class Bound(cls):
            pass

        for section in sections:
            setattr(Bound, section_field_name(section), TextAreaField(
                section_title(section), validators=[Length(max=MAX_TEXT)], render_kw={"rows": 8},
                description=_l("The discussion. Markdown is allowed.")))
        form = Bound(**kwargs)
        form.sections = list(sections)
        return form

    def section_fields(self):
        return [(section, self[section_field_name(section)]) for section in self.sections]

    def texts(self) -> dict[int, str]:
        return {section.id: field.data or "" for section, field in self.section_fields()}

    def expected_version(self) -> int | None:
        """The version the editor loaded, or None when the field does not hold a whole number."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class EditMinutesForm(SectionsForm):
    language = SelectField(_l("Language of the text"), validators=[Optional()], validate_choice=False,
                           description=_l("Screen readers and search use it to read the minutes right."))
    submit = SubmitField(_l("Save the minutes"))

    def set_language_choices(self) -> None:
        self.language.choices = [("", _l("Not given"))] + [(code, name) for code, name in CONTENT_LANGUAGES.items()]


class CorrectionForm(SectionsForm):
    reason = TextAreaField(_l("Reason for the correction"), validators=[Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Required. Kept with the new version and shown to every reader."))
    submit = SubmitField(_l("Save the correction as a new version"))


# -- workflow steps --------------------------------------------------------------------------------

def reader_zone() -> ZoneInfo:
    """The reader's time zone (their profile's, else the portal's default)."""
    return ZoneInfo(str(get_timezone() or "UTC"))


def local_to_utc(value: datetime | None) -> datetime | None:
    """A wall-clock time typed by the reader, in their time zone, as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=reader_zone()).astimezone(timezone.utc)


class StepForm(FlaskForm):
    """A one-click step (reopen, publish)."""


class ReasonStepForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})


class PublishForm(SafeguardingMixin, StepForm):
    """Publishing: one click, unless the text looks like a beneficiary's personal data (then a reason)."""


class CirculateForm(SafeguardingMixin, FlaskForm):
    comments_deadline = DateTimeLocalField(_l("Comments are welcome until"), format="%Y-%m-%dT%H:%M",
                                           validators=[DataRequired(message=_l("Give a date and time."))],
                                           description=_l("In your time zone. Members are told by email."))

    def values(self) -> dict:
        return {"comments_deadline": local_to_utc(self.comments_deadline.data)}


class ApproveForm(FlaskForm):
    approved_how = RadioField(_l("How were the minutes approved?"),
                              choices=[SelectChoice(m.value, _l(m.title)) for m in ApprovedHow],
                              validators=[DataRequired(message=_l("Say how the minutes were approved."))])
    approved_at_meeting_id = SelectField(_l("At the meeting"), coerce=_id_or_none, validators=[Optional()],
                                         description=_l("Only when approved by a later meeting."))

    def fill_choices(self, minutes: Minutes) -> "ApproveForm":
        """The committee's later meetings (not cancelled or deleted), latest first."""
        query = (select(Meeting.id, Meeting.title, Meeting.starts_at)
                 .where(Meeting.committee_id == minutes.committee_id, Meeting.id != minutes.meeting_id,
                        Meeting.deleted_at.is_(None),
                        Meeting.state.in_([MeetingState.SCHEDULED, MeetingState.HELD, MeetingState.MINUTED]))
                 .order_by(Meeting.starts_at.desc().nulls_last(), Meeting.id.desc()).limit(30))
        start = minutes.meeting.starts_at
        if start is not None:
            query = query.where(Meeting.starts_at > start)
        rows = db.session.execute(query).all()
        self.approved_at_meeting_id.choices = [SelectChoice("", _l("Not at a meeting"))] + [
            SelectChoice(row.id, _meeting_label(row)) for row in rows]
        return self

    def values(self) -> dict:
        meeting_id = self.approved_at_meeting_id.data
        meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
        return {"approved_how": self.approved_how.data, "approved_at_meeting": meeting}


def _meeting_label(row) -> str:
    from flask_babel import format_date

    return f"{row.title} ({format_date(row.starts_at)})" if row.starts_at else row.title


# -- comments and decisions ------------------------------------------------------------------------

def _section_choices(minutes: Minutes, empty_label) -> list[SelectChoice]:
    return [SelectChoice("", empty_label)] + [SelectChoice(s.id, s.title) for s in minutes.sections]


class CommentForm(SafeguardingMixin, FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[Length(max=10_000)], render_kw={"rows": 4})
    section_id = SelectField(_l("About"), coerce=_id_or_none, validate_choice=False, validators=[Optional()])
    submit = SubmitField(_l("Send the comment"))

    def fill_choices(self, minutes: Minutes) -> "CommentForm":
        self.section_id.choices = _section_choices(minutes, _l("The minutes as a whole"))
        return self


class DecisionForm(FlaskForm):
    """One per section on the minutes page (prefixed by the section); the section id travels alongside."""

    text = TextAreaField(_l("Decision"), validators=[Length(max=5000)], render_kw={"rows": 2},
                         description=_l("One decision per record; it gets its own number."))


# -- reading -----------------------------------------------------------------------------------------

def parse_date(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or None."""
    try:
        return date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None

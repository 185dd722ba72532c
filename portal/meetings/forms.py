"""Forms for meetings: details and time (fixed or a time poll), steps, RSVPs, the poll, attendance, rhythms."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DateTimeLocalField, FieldList, Form, FormField, IntegerField, RadioField,
                     SelectChoice, SelectField, StringField, SubmitField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from committees.models.meetings import MeetingFormat, PollAnswerKind, RsvpResponse
from portal.people.forms import timezone_choices

EMPTY_SLOT_ROWS, MAX_SLOT_ROWS = 5, 10
TIME_FIXED, TIME_POLL = "fixed", "poll"

# Languages people most often need interpretation into (stored as a short code on the invitation).
INTERPRETATION_CHOICES = [
    SelectChoice("", _l("No interpretation needed")),
    SelectChoice("el", _l("Greek")),
    SelectChoice("en", _l("English")),
    SelectChoice("ar", _l("Arabic")),
    SelectChoice("fa", _l("Farsi")),
    SelectChoice("fr", _l("French")),
    SelectChoice("ur", _l("Urdu")),
    SelectChoice("other", _l("Another language")),
]
INTERPRETATION_TITLES = {choice.value: choice.label for choice in INTERPRETATION_CHOICES}

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))
WEEKS_OF_MONTH = ((1, _l("First")), (2, _l("Second")), (3, _l("Third")), (4, _l("Fourth")), (-1, _l("Last")))


def enum_choices(enum) -> list[SelectChoice]:
    return [SelectChoice(member.value, _l(member.title)) for member in enum]


def combine(day, clock) -> datetime | None:
    """A naive wall-clock datetime (the service reads it in the meeting's zone)."""
    return datetime.combine(day, clock) if day and clock else None


class SlotForm(Form):
    """One candidate slot of a time poll: a row of the slot table (an empty row is ignored)."""

    day = DateField(_l("Date"), validators=[Optional()])
    starts_at = TimeField(_l("From"), validators=[Optional()])
    ends_at = TimeField(_l("To"), validators=[Optional()])

    @property
    def empty(self) -> bool:
        return not any(f.raw_data and f.raw_data[0].strip() for f in (self.day, self.starts_at, self.ends_at))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.empty and not (self.day.data and self.starts_at.data and self.ends_at.data):
            self.ends_at.errors = [*self.ends_at.errors,
                                   _l("Give the date, the start and the end, or leave the row empty.")]
            valid = False
        return valid

    def value(self) -> tuple[datetime, datetime]:
        return combine(self.day.data, self.starts_at.data), combine(self.day.data, self.ends_at.data)


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)], render_kw={"rows": 5},
                                description=_l("Markdown is allowed."))
    format = SelectField(_l("Format"), choices=enum_choices(MeetingFormat), default=MeetingFormat.IN_PERSON.value)
    venue = StringField(_l("Venue"), validators=[Length(max=300)],
                        description=_l("Needed for a meeting in person or a hybrid one."))
    online_url = StringField(_l("Online link"), validators=[Length(max=500)],
                             description=_l("Needed for an online or hybrid meeting: starts with https://."))
    timezone = SelectField(_l("Time zone"), description=_l("The dates and times below are in this zone."))
    time_mode = RadioField(_l("When"), default=TIME_FIXED, validate_choice=False, choices=[
        SelectChoice(TIME_FIXED, _l("A fixed date and time")),
        SelectChoice(TIME_POLL, _l("A time poll: members say which candidate slots suit them"))])
    day = DateField(_l("Date"), validators=[Optional()])
    starts_at = TimeField(_l("Starts at"), validators=[Optional()])
    ends_at = TimeField(_l("Ends at"), validators=[Optional()])
    slot_rows = FieldList(FormField(SlotForm), min_entries=EMPTY_SLOT_ROWS, max_entries=MAX_SLOT_ROWS)
    poll_closes_at = DateTimeLocalField(_l("The poll closes at (optional)"), format="%Y-%m-%dT%H:%M",
                                        validators=[Optional()])
    more_slots = SubmitField(_l("More slots"))
    submit = SubmitField(_l("Save as draft"))

    def __init__(self, *args, timezone: str | None = None, plans_time: bool = True, **kwargs):
        """plans_time False: the meeting's time is not on this form (a scheduled meeting is rescheduled instead),
        so no date is asked for."""
        super().__init__(*args, **kwargs)
        self.plans_time = plans_time
        self.timezone.choices = timezone_choices(timezone)
        if not self.timezone.data:
            self.timezone.data = current_app.config["DEFAULT_TIMEZONE"]

    def validate_time_mode(self, field):
        if field.data not in (TIME_FIXED, TIME_POLL):
            raise ValidationError(_l("Choose a fixed time or a time poll."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.plans_time and self.time_mode.data == TIME_FIXED and not self.day.data and not self.day.errors:
            self.day.errors = [*self.day.errors, _l("Give the date.")]
            valid = False
        return valid

    def grow_slots(self) -> None:
        """Show every possible slot row (the "more slots" button, no script needed)."""
        while len(self.slot_rows) < MAX_SLOT_ROWS:
            self.slot_rows.append_entry()

    def details(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "", "format": self.format.data,
                "venue": self.venue.data or "", "online_url": self.online_url.data or "",
                "timezone": self.timezone.data}

    def time_plan(self) -> dict:
        """Keyword arguments for `meetings.plan_time`: a fixed start/end or the candidate slots."""
        if self.time_mode.data == TIME_POLL:
            slots = [row.form.value() for row in self.slot_rows if not row.form.empty]
            return {"slots": slots, "closes_at": self.poll_closes_at.data}
        return {"starts_at": combine(self.day.data, self.starts_at.data),
                "ends_at": combine(self.day.data, self.ends_at.data)}


class RescheduleForm(FlaskForm):
    day = DateField(_l("New date"), validators=[DataRequired()])
    starts_at = TimeField(_l("Starts at"), validators=[DataRequired()])
    ends_at = TimeField(_l("Ends at"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Reschedule"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Everyone invited receives it with the cancellation."))
    submit = SubmitField(_l("Cancel the meeting"))


class RsvpForm(FlaskForm):
    response = RadioField(_l("Will you attend?"), choices=enum_choices(RsvpResponse),
                          validators=[DataRequired(message=_l("Choose an answer."))])
    interpretation = SelectField(_l("Interpretation into"), choices=INTERPRETATION_CHOICES, default="")
    submit = SubmitField(_l("Send my answer"))


POLL_CHOICES = enum_choices(PollAnswerKind)


class RhythmForm(FlaskForm):
    weekday = SelectField(_l("Day of the week"), coerce=int,
                          choices=[SelectChoice(i, day) for i, day in enumerate(WEEKDAYS)])
    week_of_month = SelectField(_l("Week of the month"), coerce=int,
                                choices=[SelectChoice(n, label) for n, label in WEEKS_OF_MONTH])
    every_months = IntegerField(_l("Every how many months"), default=1,
                                validators=[DataRequired(), NumberRange(min=1, max=12)])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration in minutes"), default=120,
                                    validators=[DataRequired(), NumberRange(min=15, max=600)])
    timezone = SelectField(_l("Time zone"))
    starts_on = DateField(_l("From"), validators=[Optional()])
    submit = SubmitField(_l("Save the rhythm"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(self.timezone.data)
        if not self.timezone.data:
            self.timezone.data = current_app.config["DEFAULT_TIMEZONE"]

    def values(self) -> dict:
        return {"weekday": self.weekday.data, "week_of_month": self.week_of_month.data,
                "every_months": self.every_months.data, "start_time": self.start_time.data,
                "duration_minutes": self.duration_minutes.data, "timezone": self.timezone.data,
                "starts_on": self.starts_on.data}


class ActionForm(FlaskForm):
    """A CSRF-checked form with no fields (steps, picking a slot, attendance, feed reset)."""

    submit = SubmitField(_l("Save"))

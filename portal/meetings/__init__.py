"""Meetings, time polls, RSVPs, attendance, agendas, documents and calendars."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from portal.meetings import views  # noqa: E402,F401
from portal.meetings import calendar_views  # noqa: E402,F401
from portal.meetings import agenda_views  # noqa: E402,F401

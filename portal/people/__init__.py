"""Profiles and people pages."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from portal.people import notification_views, views  # noqa: E402,F401

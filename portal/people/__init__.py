"""Profiles and people pages."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from portal.people import data_views, notification_views, token_views, two_factor_views, views  # noqa: E402,F401

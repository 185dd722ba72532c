"""Committees, rosters, memberships and the organisation directory."""
from flask import Blueprint

bp = Blueprint("bodies", __name__)

from portal.bodies import views  # noqa: E402,F401

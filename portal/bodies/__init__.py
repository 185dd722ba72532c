"""Committees, rosters, memberships and the organisation directory."""
from flask import Blueprint

bp = Blueprint("bodies", __name__)

from portal.bodies import committee_views, organisation_views  # noqa: E402,F401

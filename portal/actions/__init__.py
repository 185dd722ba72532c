"""Action items (lists, pages, progress updates, "my action items") and the coordinators' dashboard."""
from flask import Blueprint

bp = Blueprint("actions", __name__)

from portal.actions import views  # noqa: E402,F401
from portal.actions import dashboard_views  # noqa: E402,F401

"""Proposals on the web: filing, the proposal page (timeline, versions, co-sponsors, supports, comments,
workflow steps), lists and CSV, the pipeline report and the public pages."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)

from portal.proposals import views  # noqa: E402,F401
from portal.proposals import list_views  # noqa: E402,F401

"""Minutes: the editor (with the conflict view), circulation and comments, approval and corrections,
revisions and their diff, the archival document, compiled minutes and the decisions register."""
from flask import Blueprint

bp = Blueprint("minutes", __name__)

from portal.minutes import views  # noqa: E402,F401
from portal.minutes import decision_views  # noqa: E402,F401

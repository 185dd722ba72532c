"""Meeting pages."""
from __future__ import annotations

from flask import abort, render_template

from committees import policy
from committees.models import Meeting
from portal.loaders import ensure, load_or_404, user


def meeting_or_404(meeting_id: int, action: str = "meeting.view") -> Meeting:
    """Load a meeting; one the user may not even see is a 404, one they see but may not act on a 403."""
    meeting = load_or_404(Meeting, meeting_id)
    if not policy.can(user(), "meeting.view", meeting):
        ensure("meeting.view", meeting)  # the public is sent to sign in
        abort(404)
    ensure(action, meeting)
    return meeting


from portal.meetings import bp  # noqa: E402


@bp.route("/meetings/<int:meeting_id>")
def show_meeting(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    return render_template("meetings/meeting.html", meeting=meeting)

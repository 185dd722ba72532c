"""The signed-in person's profile."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from portal.people import bp


@bp.route("/profile")
@login_required
def profile():
    return render_template("people/profile.html")

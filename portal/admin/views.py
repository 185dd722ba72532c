"""The administration index."""
from __future__ import annotations

from flask import render_template

from portal.admin import bp
from portal.loaders import ensure


@bp.route("/")
def index():
    ensure("person.manage")
    return render_template("admin/index.html")

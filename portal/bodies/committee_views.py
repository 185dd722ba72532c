"""Committee pages, rosters and membership management."""
from __future__ import annotations

from flask import render_template

from committees import queries
from portal.bodies import bp
from portal.loaders import committee_or_404, user


@bp.route("/committees")
def list_committees():
    cards = queries.list_committee_cards(user())
    return render_template("bodies/committees.html", cards=cards)


@bp.route("/committees/<slug>")
def show_committee(slug: str):
    committee = committee_or_404(slug)
    card = queries.get_committee_card(committee)
    return render_template("bodies/committee.html", committee=committee, card=card)

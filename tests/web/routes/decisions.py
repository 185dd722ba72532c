"""Route expectations for the decisions register (minutes blueprint, portal/minutes/decision_views.py).

The register is a committee page: it is reached exactly like the committee's own page (committee_or_404 with
`committee.view`), and what it lists is scoped to the minutes each reader may read. World: `committee` is public;
`other_committee` is private; an inactive committee is made on demand.

Expected per role:
  GET /committees/<public>/decisions[.csv]       everyone 200 (the public sees published minutes' decisions)
  GET /committees/<private>/decisions[.csv]      signed in 200 (only what they may read), public 404 (not revealed)
  GET /committees/<inactive>/decisions[.csv]     coordinators 200, everyone else 404
  GET /committees/<unknown>/decisions[.csv]      everyone 404
  GET ...?year=abc, ?meeting=abc, ?q=<201 chars>  everyone 400 (the message shown, the input kept)
  GET ...?page=0                                 everyone 400
"""
from __future__ import annotations

from tests import factories as f
from tests.web.routes import COORDINATORS, const, everyone, get, only, signed_in
from tests.web.routes.meetings import _cached

PUBLIC = "/committees/access-legal"
PRIVATE = "/committees/health"


def inactive(path: str):
    def url(w):
        committee = _cached(w, "_decisions_inactive", lambda w: f.make_committee(
            "Dormant committee", slug="dormant", public=True, active=False))
        return f"/committees/{committee.slug}{path}"

    return url


EXPECTATIONS = [
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions"), everyone(200)),
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions?q=legal+aid&page=2"), everyone(200),
        label="search"),
    get("minutes.committee_decisions", const(f"{PRIVATE}/decisions"), signed_in(200, public=404), label="private"),
    get("minutes.committee_decisions", inactive("/decisions"), only(COORDINATORS, others=404, public=404),
        label="inactive"),
    get("minutes.committee_decisions", const("/committees/nowhere/decisions"), everyone(404), label="unknown"),
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions?year=abc"), everyone(400), label="bad year"),
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions?meeting=abc"), everyone(400),
        label="bad meeting"),
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions?q=" + "x" * 201), everyone(400),
        label="long search"),
    get("minutes.committee_decisions", const(f"{PUBLIC}/decisions?page=0"), everyone(400), label="bad page"),
    get("minutes.committee_decisions_csv", const(f"{PUBLIC}/decisions.csv"), everyone(200)),
    get("minutes.committee_decisions_csv", const(f"{PRIVATE}/decisions.csv"), signed_in(200, public=404),
        label="private"),
    get("minutes.committee_decisions_csv", inactive("/decisions.csv"), only(COORDINATORS, others=404, public=404),
        label="inactive"),
    get("minutes.committee_decisions_csv", const("/committees/nowhere/decisions.csv"), everyone(404),
        label="unknown"),
    get("minutes.committee_decisions_csv", const(f"{PUBLIC}/decisions.csv?year=abc"), everyone(400),
        label="bad year"),
]

"""Route × role expectations for the proposal lists, CSV and the pipeline report (portal/proposals/list_views.py,
portal/proposals/pipeline_views.py).

World: `committee` (access-legal) is public and co-chaired by `cochair`; `other_committee` (health) is private.
The lists are reached like the committee pages; what they show is scoped per reader (tests/web/test_proposal_lists.py).

Expected per role:
  GET /proposals[.csv]                             everyone 200 (the public: forwarded proposals of public committees)
  GET /proposals?state=draft                       signed in 200; public 400 (not a public stage)
  GET /proposals?committee=health                  signed in 200; public 400 (not a committee it may see)
  GET /proposals?sort=bogus, ?year=abc, ?page=0    everyone 400
  GET /committees/<public>/proposals[.csv]         everyone 200
  GET /committees/<private>/proposals[.csv]        signed in 200 (only what they may see), public 404
  GET /committees/<inactive>/proposals[.csv]       coordinators 200, everyone else 404
  GET /committees/<unknown>/proposals[.csv]        everyone 404
  GET /proposals/pipeline[/<table>.csv]            cochair, coordinator, admin 200; others 403; public LOGIN
  GET /proposals/pipeline?committee=health         coordinator, admin 200; cochair 403 (not theirs)
"""
from __future__ import annotations

from tests.web.routes import COORDINATORS, const, everyone, get, only, signed_in
from tests.web.routes.decisions import inactive

PUBLIC = "/committees/access-legal"
PRIVATE = "/committees/health"
REPORTERS = ("cochair", *COORDINATORS)

EXPECTATIONS = [
    get("proposals.list_proposals", const("/proposals"), everyone(200)),
    get("proposals.list_proposals", const("/proposals?q=legal+aid&state=public&sort=title&page=2"), everyone(200),
        label="filtered"),
    get("proposals.list_proposals", const("/proposals?state=draft"), signed_in(200, public=400),
        label="private stage"),
    get("proposals.list_proposals", const("/proposals?committee=health"), signed_in(200, public=400),
        label="private committee"),
    get("proposals.list_proposals", const("/proposals?sort=bogus"), everyone(400), label="bad sort"),
    get("proposals.list_proposals", const("/proposals?year=abc"), everyone(400), label="bad year"),
    get("proposals.list_proposals", const("/proposals?page=0"), everyone(400), label="bad page"),
    get("proposals.list_proposals_csv", const("/proposals.csv"), everyone(200)),
    get("proposals.list_proposals_csv", const("/proposals.csv?organisation=abc"), everyone(400),
        label="bad organisation"),
    get("proposals.suggest_organisations", const("/proposals/organisations.json?q=athens"), everyone(200)),
    get("proposals.suggest_organisations", const("/proposals/organisations.json?q=athens&committee=health"),
        signed_in(200, public=404), label="private committee"),
    get("proposals.committee_proposals", const(f"{PUBLIC}/proposals"), everyone(200)),
    get("proposals.committee_proposals", const(f"{PRIVATE}/proposals"), signed_in(200, public=404),
        label="private"),
    get("proposals.committee_proposals", inactive("/proposals"), only(COORDINATORS, others=404, public=404),
        label="inactive"),
    get("proposals.committee_proposals", const("/committees/nowhere/proposals"), everyone(404), label="unknown"),
    get("proposals.committee_proposals", const(f"{PUBLIC}/proposals?state=nonsense"), everyone(400),
        label="bad state"),
    get("proposals.committee_proposals_csv", const(f"{PUBLIC}/proposals.csv"), everyone(200)),
    get("proposals.committee_proposals_csv", const(f"{PRIVATE}/proposals.csv"), signed_in(200, public=404),
        label="private"),
    get("proposals.committee_proposals_csv", inactive("/proposals.csv"), only(COORDINATORS, others=404, public=404),
        label="inactive"),
    get("proposals.committee_proposals_csv", const("/committees/nowhere/proposals.csv"), everyone(404),
        label="unknown"),
    get("proposals.show_pipeline", const("/proposals/pipeline"), only(REPORTERS)),
    get("proposals.show_pipeline", const("/proposals/pipeline?committee=access-legal"), only(REPORTERS),
        label="own committee"),
    get("proposals.show_pipeline", const("/proposals/pipeline?committee=health"), only(COORDINATORS),
        label="other committee"),
    get("proposals.pipeline_csv", const("/proposals/pipeline/stages.csv"), only(REPORTERS)),
    get("proposals.pipeline_csv", const("/proposals/pipeline/years.csv?committee=access-legal"), only(REPORTERS),
        label="own committee"),
    get("proposals.pipeline_csv", const("/proposals/pipeline/stages.csv?committee=health"), only(COORDINATORS),
        label="other committee"),
]

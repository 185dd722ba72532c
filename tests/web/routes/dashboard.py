"""Route expectations for the action items dashboard (actions blueprint, portal/actions/dashboard_views.py).

World: `cochair` co-chairs `committee` (access-legal); `other_committee` (health) has no co-chair among the roles.

Expected per role:
  GET /dashboard[?view=...]                      coordinator, admin, cochair 200; others 403; public LOGIN
  GET /dashboard?committee=health                coordinator, admin 200; cochair 403 (not their committee)
  GET /dashboard?committee=access-legal          coordinator, admin, cochair 200
  GET /dashboard/<table>.csv                     as the page, with the same committee rule
"""
from __future__ import annotations

from tests.web.routes import COORDINATORS, const, get, only

VIEWERS = ("cochair", *COORDINATORS)

EXPECTATIONS = [
    get("actions.dashboard", const("/dashboard"), only(VIEWERS)),
    get("actions.suggest_dashboard_organisations", const("/dashboard/organisations.json?q=athens"), only(VIEWERS)),
    get("actions.dashboard", const("/dashboard?view=by_organisation&committee=access-legal"), only(VIEWERS),
        label="own committee"),
    get("actions.dashboard", const("/dashboard?view=overdue&committee=health"), only(COORDINATORS),
        label="other committee"),
    get("actions.dashboard_csv", const("/dashboard/overdue.csv"), only(VIEWERS)),
    get("actions.dashboard_csv", const("/dashboard/quarters.csv?committee=access-legal"), only(VIEWERS),
        label="own committee"),
    get("actions.dashboard_csv", const("/dashboard/by_committee.csv?committee=health"), only(COORDINATORS),
        label="other committee"),
]

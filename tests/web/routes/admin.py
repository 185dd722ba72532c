"""admin blueprint: coordinators' pages (people, import, audit log, outbox).

Expected per role:
  GET /admin/    coordinator and admin 200; other signed-in roles 403; public LOGIN
The lead extends this list as routes land.
"""
from tests.web.routes import COORDINATORS, const, get, only

EXPECTATIONS = [
    get("admin.index", const("/admin/"), only(COORDINATORS)),
]

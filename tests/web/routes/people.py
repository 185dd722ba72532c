"""people blueprint: the profile and people pages.

Expected per role:
  GET /profile    public LOGIN; signed in 200
The lead extends this list as routes land.
"""
from tests.web.routes import const, get, signed_in

EXPECTATIONS = [
    get("people.profile", const("/profile"), signed_in(200)),
]

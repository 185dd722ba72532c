"""Route expectations for the notifications pages of the meetings and people blueprints (filled in as routes land).

Expected per role:
  GET  /profile/notifications          signed in 200; public LOGIN
  POST /profile/notifications          signed in allowed; public LOGIN
"""
from tests.web.routes import ALLOWED, const, get, post, signed_in

EXPECTATIONS: list = [
    get("people.notifications", const("/profile/notifications"), signed_in(200)),
    post("people.update_notifications", const("/profile/notifications"), signed_in(ALLOWED)),
]

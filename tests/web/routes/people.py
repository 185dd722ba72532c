"""people blueprint: the signed-in person's profile, password and sessions; people's pages.

Expected per role:
  GET  /profile                        signed in 200; public LOGIN
  POST /profile, /profile/password, /profile/sessions/end-others
                                       signed in allowed; public LOGIN
  GET  /people/<id>                    signed in 200; public LOGIN; unknown id: signed in 404, public LOGIN
"""
from tests.web.routes import ALLOWED, const, get, post, signed_in

EXPECTATIONS = [
    get("people.profile", const("/profile"), signed_in(200)),
    post("people.update_profile", const("/profile"), signed_in(ALLOWED)),
    post("people.change_password", const("/profile/password"), signed_in(ALLOWED)),
    post("people.end_other_sessions", const("/profile/sessions/end-others"), signed_in(ALLOWED)),
    get("people.show_person", lambda w: f"/people/{w.representative.id}", signed_in(200)),
    get("people.show_person", const("/people/999999"), signed_in(404), label="unknown"),
]

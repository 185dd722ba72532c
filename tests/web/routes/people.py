"""people blueprint: the signed-in person's profile, password and sessions; people's pages.

Expected per role:
  GET  /profile                        signed in 200; public LOGIN
  POST /profile, /profile/password, /profile/sessions/end-others
                                       signed in allowed; public LOGIN
  GET  /people/<id>                    signed in 200; public LOGIN; unknown id: signed in 404, public LOGIN
  GET  /profile/two-factor             signed in 200; public LOGIN
  POST /profile/two-factor/start|confirm|cancel|recovery-codes|disable
                                       signed in allowed; public LOGIN
  POST /people/<id>/two-factor/reset   a member's: coordinator, admin allowed; a coordinator's: admin only;
                                       others 403; unknown id: signed in 404; public LOGIN
  GET  /profile/data                    signed in 200 (their own data as a JSON attachment); public LOGIN
  GET  /people/<id>/data               a member's: themselves, coordinator, admin 200; a coordinator's: themselves
                                       and admin; others 403; unknown id: signed in 404; public LOGIN
  GET, POST /people/<id>/anonymise     a member's: coordinator, admin; a coordinator's: admin; one's own
                                       (the admin's): nobody; others 403; unknown id: signed in 404; public LOGIN
"""
from tests.web.routes import ALLOWED, COORDINATORS, const, get, only, post, signed_in

EXPECTATIONS = [
    get("people.profile", const("/profile"), signed_in(200)),
    post("people.update_profile", const("/profile"), signed_in(ALLOWED)),
    post("people.change_password", const("/profile/password"), signed_in(ALLOWED)),
    post("people.end_other_sessions", const("/profile/sessions/end-others"), signed_in(ALLOWED)),
    get("people.show_person", lambda w: f"/people/{w.representative.id}", signed_in(200)),
    get("people.show_person", const("/people/999999"), signed_in(404), label="unknown"),
    get("people.two_factor", const("/profile/two-factor"), signed_in(200)),
    post("people.start_two_factor", const("/profile/two-factor/start"), signed_in(ALLOWED)),
    post("people.confirm_two_factor", const("/profile/two-factor/confirm"), signed_in(ALLOWED),
         data=lambda w: {"confirm-code": "123456"}),
    post("people.cancel_two_factor_setup", const("/profile/two-factor/cancel"), signed_in(ALLOWED)),
    post("people.regenerate_recovery_codes", const("/profile/two-factor/recovery-codes"), signed_in(ALLOWED)),
    post("people.disable_two_factor", const("/profile/two-factor/disable"), signed_in(ALLOWED)),
    post("people.reset_two_factor", lambda w: f"/people/{w.representative.id}/two-factor/reset",
         only(COORDINATORS, ALLOWED), label="member"),
    post("people.reset_two_factor", lambda w: f"/people/{w.coordinator.id}/two-factor/reset",
         only(["admin"], ALLOWED), label="coordinator"),
    post("people.reset_two_factor", const("/people/999999/two-factor/reset"), signed_in(404), label="unknown"),
    get("people.export_my_data", const("/profile/data"), signed_in(200)),
    get("people.export_person_data", lambda w: f"/people/{w.representative.id}/data",
        only(["representative", *COORDINATORS]), label="a member"),
    get("people.export_person_data", lambda w: f"/people/{w.coordinator.id}/data", only(COORDINATORS),
        label="a coordinator"),
    get("people.export_person_data", const("/people/999999/data"), signed_in(404), label="unknown"),
    get("people.anonymise_person", lambda w: f"/people/{w.alternate.id}/anonymise", only(COORDINATORS),
        label="a member"),
    post("people.anonymise_person", lambda w: f"/people/{w.alternate.id}/anonymise", only(COORDINATORS, ALLOWED),
         label="a member"),
    get("people.anonymise_person", lambda w: f"/people/{w.coordinator.id}/anonymise", only(["admin"]),
        label="a coordinator"),
    post("people.anonymise_person", lambda w: f"/people/{w.coordinator.id}/anonymise", only(["admin"], ALLOWED),
         label="a coordinator"),
    get("people.anonymise_person", lambda w: f"/people/{w.admin.id}/anonymise", only([]), label="the admin"),
    post("people.anonymise_person", lambda w: f"/people/{w.admin.id}/anonymise", only([]), label="the admin"),
    get("people.anonymise_person", const("/people/999999/anonymise"), signed_in(404), label="unknown"),
]

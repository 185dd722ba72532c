"""auth blueprint: sign-in, sign-out, password reset, invitations.

Expected per role:
  GET  /login                 public 200; signed in 302 (away from the form, not to /login)
  POST /login                 public 200 (form errors for empty data); signed in 302
  POST /logout                everyone 302 to the home page
  GET/POST /password/forgot   everyone 200
  GET/POST /invitation/<t>    unknown token 404 for everyone; valid token 200 for everyone
  GET/POST /password/reset/<t> same as invitations
  GET/POST /login/verify      public without a half-finished sign-in LOGIN; signed in 302 (away, not to /login)
"""
from datetime import timedelta

from committees.db import db
from committees.models import TokenPurpose
from committees.services import people
from tests.web.routes import LOGIN, const, everyone, get, post, signed_in


def _token(purpose: TokenPurpose):
    def build(world) -> str:
        raw = people.issue_token(world.alternate, purpose, timedelta(hours=2))
        db.session.commit()
        prefix = "/invitation/" if purpose == TokenPurpose.INVITATION else "/password/reset/"
        return prefix + raw

    return build


BOGUS = "x" * 43

EXPECTATIONS = [
    get("auth.login", const("/login"), signed_in(302, public=200)),
    post("auth.login", const("/login"), signed_in(302, public=200)),
    post("auth.logout", const("/logout"), everyone(302)),
    get("auth.forgot_password", const("/password/forgot"), everyone(200)),
    post("auth.forgot_password", const("/password/forgot"), everyone(200)),
    get("auth.accept_invitation", const(f"/invitation/{BOGUS}"), everyone(404), label="unknown token"),
    get("auth.accept_invitation", _token(TokenPurpose.INVITATION), everyone(200), label="valid token"),
    post("auth.accept_invitation", const(f"/invitation/{BOGUS}"), everyone(404), label="unknown token"),
    post("auth.accept_invitation", _token(TokenPurpose.INVITATION), everyone(200), label="valid token, no data"),
    get("auth.reset_password", const(f"/password/reset/{BOGUS}"), everyone(404), label="unknown token"),
    get("auth.reset_password", _token(TokenPurpose.RESET), everyone(200), label="valid token"),
    post("auth.reset_password", const(f"/password/reset/{BOGUS}"), everyone(404), label="unknown token"),
    post("auth.reset_password", _token(TokenPurpose.RESET), everyone(200), label="valid token, no data"),
    get("auth.verify_two_factor", const("/login/verify"), signed_in(302, public=LOGIN)),
    post("auth.verify_two_factor", const("/login/verify"), signed_in(302, public=LOGIN)),
]

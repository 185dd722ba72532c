"""Who is calling the API: a Bearer token (personal access token), or for reads the signed-in browser session.

- `Authorization: Bearer cpt_…` -> the token's person; a malformed, unknown, expired or revoked token, or one of a
  deactivated person, is 401 (never silently anonymous). Tokens in the query string are not looked at.
- Writes (POST, PUT, PATCH, DELETE) need a token with the write scope: the session cookie is not accepted for them
  (so no CSRF token is needed, and a page on another site cannot make a signed-in browser write).
- Reads without a token use the session cookie when there is one (the same person, the same policy as the pages;
  a cross-site page cannot read the answer, as the API sends no CORS headers), else the public.
"""
from __future__ import annotations

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import current_user

from committees.db import db
from committees.models import ApiToken
from committees.services import tokens
from portal.api.errors import fail
from portal.audit_hooks import note_refusal
from portal.auth import two_factor_missing
from portal.net import client_address

UNAUTHORISED = {"WWW-Authenticate": 'Bearer realm="api"'}
INVALID = {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'}


def _bearer() -> str | None:
    """The raw token of the Authorization header ('' when the header is there but is no Bearer token)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return value.strip()


def current_token() -> ApiToken | None:
    """The request's working token (looked up once per request), or None."""
    key = "portal.api_token"  # per request (the environ), not per app context, which a test may share
    if key not in request.environ:
        raw = _bearer()
        request.environ[key] = tokens.authenticate(raw) if raw else None
    return request.environ[key]


def limit_key() -> str:
    """Rate-limit key: the token's id, else the client's address."""
    token = current_token()
    return f"token:{token.id}" if token is not None else f"address:{client_address()}"


def caller():
    """The person (or the anonymous user) the policy is asked about."""
    return g.api_caller


def _authenticate():
    raw = _bearer()
    token = current_token()
    from portal.extensions import login_manager

    if raw is not None:
        if token is None:
            fail(401, "invalid_token", _("The token is not valid: it may be mistyped, expired or revoked."), INVALID)
        g.api_caller = token.person
        g._login_user = token.person  # current_user is the token's person for the rest of the request
        if tokens.touch_token(token):
            db.session.commit()
    elif request.method in ("GET", "HEAD", "OPTIONS"):
        g.api_caller = current_user._get_current_object()
    else:
        g.api_caller = login_manager.anonymous_user()
        g._login_user = g.api_caller
    if two_factor_missing(g.api_caller):
        fail(403, "two_factor_required", _("Your role requires two-step sign-in. Set it up on your profile page "
                                           "before using the API."))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if token is None:
            fail(401, "token_required", _("Writing needs a personal access token (Authorization: Bearer …)."),
                 UNAUTHORISED)
        if not token.may_write:
            fail(403, "insufficient_scope", _("This token may only read."),
                 {"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope", scope="write"'})


def require_person():
    """401 unless someone is calling (a token or a session)."""
    person = caller()
    if not getattr(person, "is_authenticated", False):
        fail(401, "unauthorised", _("Sign in or send a personal access token."), UNAUTHORISED)
    return person


def ensure(action: str, obj=None) -> None:
    """The policy's answer: 401 for the public where signing in might help, 403 for a person."""
    from committees import policy

    if not policy.can(caller(), action, obj):
        require_person()
        note_refusal(action, obj)
        fail(403, "forbidden", _("You may not %(what)s.", what=_(policy.RULES[action][1])))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Vary", "Authorization, Cookie")
    return response


def init_blueprint(bp: Blueprint) -> None:
    bp.before_request(_authenticate)
    bp.after_request(_no_store)


def caller_zone():
    """The caller's time zone (for 'year' filters), else the portal's."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    name = getattr(caller(), "timezone", None) or current_app.config["DEFAULT_TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])

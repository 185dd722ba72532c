"""Error pages (HTML) and JSON errors, one shape: {"error": {"code", "message"}}."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from markupsafe import escape
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from committees.db import db
from committees.errors import DomainError

log = logging.getLogger("portal")

CODES = {
    400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 410: "gone", 413: "too_large", 429: "too_many_requests", 500: "server_error", 503: "unavailable",
}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, code: str | None = None, headers: dict | None = None):
    code = code or CODES.get(status, "error")
    if wants_json():
        response = jsonify(error={"code": code, "message": message})
    elif request_ctx.url_adapter is None:
        # The request never got a URL adapter (an untrusted Host, say): no url_for, so no layout.
        response = make_response(f"<!doctype html>\n<title>{status}</title>\n<h1>{escape(message)}</h1>\n")
    else:
        template = f"errors/{status}.html" if status in (400, 403, 404, 429, 500, 503) else "errors/generic.html"
        body = render_template(template, status=status, message=message, request_id=g.get("request_id", ""))
        response = make_response(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


MESSAGES = {
    400: lambda: _("The request was not understood."),
    403: lambda: _("You do not have permission to do that."),
    404: lambda: _("We could not find that page."),
    405: lambda: _("That action is not allowed here."),
    410: lambda: _("This file was removed under the retention policy; its record is kept."),
    413: lambda: _("That file is too large."),
    429: lambda: _("Too many attempts. Please wait a little and try again."),
    500: lambda: _("Something went wrong on our side. It has been logged."),
    503: lambda: _("The portal is temporarily unavailable. Please try again in a minute."),
}


def _message(status: int, fallback: str = "") -> str:
    return MESSAGES[status]() if status in MESSAGES else fallback


def handle_http(error: HTTPException):
    status = error.code or 500
    headers = {}
    if status == 429:
        retry = dict(error.get_headers()).get("Retry-After") or getattr(error, "retry_after", None)
        headers["Retry-After"] = str(retry or 60)
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status >= 500:
        db.session.rollback()
    return error_response(status, _message(status, error.description or ""), headers=headers)


def handle_domain(error: DomainError):
    db.session.rollback()
    return error_response(error.status, _(error.message), error.code)


def handle_database_down(error: Exception):
    from portal.extensions import login_manager

    g._login_user = login_manager.anonymous_user()  # do not query for the user while rendering
    log.warning("database unavailable: %s (request %s)", type(error).__name__, g.get("request_id", ""))
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; nothing to roll back
        pass
    return error_response(503, _message(503), "database_unavailable", {"Retry-After": "30"})


def handle_unexpected(error: Exception):
    log.exception("unhandled error (request %s)", g.get("request_id", ""))
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        pass
    return error_response(500, _message(500))


def _unique_violation(error: IntegrityError) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def handle_integrity(error: IntegrityError):
    """A unique constraint refused a row that a simultaneous request wrote first (a double click, a race): the
    change is rolled back and the answer is 409, not 500 (tests/web/test_races.py). Other integrity errors are
    bugs: logged, 500."""
    if not _unique_violation(error):
        return handle_unexpected(error)
    log.info("unique violation, answered 409 (request %s)", g.get("request_id", ""))
    db.session.rollback()
    return error_response(409, _("Someone else made the same change at the same moment. Reload the page to see it."))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(DBAPIError, _maybe_database_down)
    app.register_error_handler(Exception, handle_unexpected)


def _maybe_database_down(error: DBAPIError):
    if error.connection_invalidated:
        return handle_database_down(error)
    return handle_unexpected(error)

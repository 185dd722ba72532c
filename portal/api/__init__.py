"""The JSON API under /api/v1: flask-smorest on the portal's own app, authorised by committees/policy.py.

`init_app(app)` binds a smorest Api to the app (its OpenAPI 3.1 document is built from the same marshmallow
schemas that parse and validate requests) and registers the blueprint. The blueprint itself is set up once, at
import: Bearer-token authentication (portal/api/auth.py), JSON errors (portal/api/errors.py), rate limits per token,
and no CSRF (the API takes tokens, not cookies, for writes). Resources live in one module each.
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint

from portal.api.errors import ErrorSchema

API_PREFIX = "/api/v1"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

bp = Blueprint("api", __name__, url_prefix=API_PREFIX, description="The Committee Portal API")


class Api(SmorestApi):
    """flask-smorest's Api, minus its app-wide JSON error handler: the portal keeps its HTML error pages, and
    portal/api/errors.py gives the API its own {"error": {"code", "message"}} shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


DEFAULTS = {
    "API_TITLE": "Committee Portal API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": None,  # the document and the reference page are served by portal/api/meta.py
    "API_WRITE_LIMIT": "60 per minute;1000 per day",
    "API_READ_LIMIT": "600 per minute",
}


def current_api() -> Api:
    return current_app.extensions["portal-api"]


def _setup_blueprint() -> None:
    from portal.api import auth, errors
    from portal.extensions import csrf, limiter

    auth.init_blueprint(bp)
    errors.init_blueprint(bp)
    limiter.limit(lambda: current_app.config["API_WRITE_LIMIT"], key_func=auth.limit_key,
                  methods=list(WRITE_METHODS), scope="api-write")(bp)
    limiter.limit(lambda: current_app.config["API_READ_LIMIT"], key_func=auth.limit_key,
                  methods=["GET"], scope="api-read")(bp)
    csrf.exempt(bp)


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_SPEC_OPTIONS", meta.spec_options())
    api = Api(app)
    app.extensions["portal-api"] = api
    api.register_blueprint(bp)
    app.register_blueprint(meta.meta_bp)
    app.cli.add_command(cli.tokens_cli)


_setup_blueprint()
from portal.api import actions, bodies, cli, meetings, meta, proposals, search  # noqa: E402,F401 - the routes

"""Fingerprinted static files: `url_for('static', ...)` and Bootstrap-Flask's `url_for('bootstrap.static', ...)` get
`?v=<content hash>`, and a file asked for with its current hash is served as `public, max-age=31536000, immutable`.

Every static URL goes through url_for (templates, Bootstrap-Flask's load_css/load_js), so a URL default adds the
hash without touching a template. The hash is the file's SHA-256 (first 12 hex digits), computed once per file and
kept until the file changes (its size or modification time, so a developer's edit shows at once). A request without
`v`, or with an old one, gets the current file with `no-cache` (revalidated): an old page can never pin a new file
for a year, nor a new page an old one. nginx can serve /static/ itself with the same rule (README, Deployment).

A static file's answer does not depend on who asks: it carries neither `Set-Cookie` (the permanent session's
refresh) nor `Vary: Cookie` (Flask adds it when anything read the session, Flask-Login does on every request), so a
browser's cached copy still matches after signing in or out (browsers honour Vary) and a shared cache may keep it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_ENDPOINTS = ("static", "bootstrap.static")
_hashes: dict[str, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, hash)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, not saved (no Set-Cookie, no Vary: Cookie) for unchanged static files."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint in STATIC_ENDPOINTS and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.url_defaults(_add_fingerprint)
    app.after_request(_cache_headers)


def static_folder(endpoint: str, app: Flask | None = None) -> str | None:
    app = app or current_app
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.partition(".")[0])
    return blueprint.static_folder if blueprint is not None else None


def fingerprint(endpoint: str, filename: str) -> str | None:
    """The current content hash of a static file, or None when there is no such file."""
    folder = static_folder(endpoint)
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    known = _hashes.get(path)
    if known is not None and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    _hashes[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint in STATIC_ENDPOINTS and "filename" in values and "v" not in values:
        version = fingerprint(endpoint, values["filename"])
        if version:
            values["v"] = version


def _cache_headers(response: Response) -> Response:
    if request.endpoint not in STATIC_ENDPOINTS or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if version and version == fingerprint(request.endpoint, filename):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response

"""Security plumbing for every response: proxies, trusted hosts, headers, request ids, audit address."""
from __future__ import annotations

import re
import secrets

from flask import Flask, abort, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from committees.audit import set_address
from portal.net import client_address

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def init_app(app: Flask) -> None:
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # First of all before-request functions, so that early refusals (CSRF, say) carry a request id too.
    app.before_request_funcs.setdefault(None, []).insert(0, _before_request)
    app.after_request(_set_headers)


def _before_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_RE.match(incoming) else secrets.token_hex(8)
    set_address(client_address())
    if _has_nul(request.args) or (request.method != "GET" and (_has_nul(request.form) or _json_unstorable())):
        abort(400)  # no text here holds NUL, and PostgreSQL cannot store it (it would be a 500)


def _has_nul(data) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in data.items(multi=True))


def _json_unstorable() -> bool:
    """A JSON body with a NUL or a lone surrogate ("\\ud800") in any string: valid JSON, but not storable text."""
    if not request.is_json:
        return False
    body = request.get_json(silent=True)  # cached: the view's parser reads the same object
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value or not _encodable(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _set_headers(response):
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["X-Request-ID"] = g.get("request_id", "")
    if request.is_secure or _production():
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/") and not request.path.startswith("/bootstrap/"):
        try:
            signed_in = current_user.is_authenticated
        except Exception:  # noqa: BLE001 - an error page may come before the user could be loaded
            signed_in = False
        if signed_in:
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
    headers.pop("Server", None)
    return response


def _production() -> bool:
    from flask import current_app

    return current_app.config.get("ENV_NAME") == "production"

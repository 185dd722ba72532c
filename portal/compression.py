"""gzip for text responses (HTML, JSON, CSS, JS, calendars, CSV), in an after-request hook.

Why a hook of our own rather than Flask-Compress: on Python 3.11 Flask-Compress imports Brotli and backports.zstd
(two more compiled extensions in every worker, which we are trying to keep under 100 MB), and it would also compress
a 206 partial response and every streamed one. gzip alone is what every browser accepts; the rules we need are few:

- only a 200 answer to GET or HEAD whose client accepts gzip (`Accept-Encoding`, q-values honoured: `gzip;q=0`
  or `identity` alone means no);
- only text types (COMPRESSIBLE); uploaded documents (PDF, office files, images: already compressed) go as they are;
- not when the response already has a Content-Encoding, nor under MIN_BYTES (the header costs more than it saves);
- `Vary: Accept-Encoding` on every compressible response, compressed or not, so that a cache keeps both;
- BREACH: pages that show a secret a reflected input could be compared with (a token in the URL, the two-step
  set-up's key, the calendar feed's address) are never compressed (SECRET_ENDPOINTS), and neither is any answer to
  a POST (new API tokens, recovery codes). Cookies are SameSite=Lax, so the cross-site requests such an attack
  needs come without the session anyway.
- static files (fingerprinted, the same bytes for a year) are compressed once at the best level and kept in memory
  (`_static_cache`, a few files); pages at level 6, a fraction of a millisecond for a 30 KB page.

The strong ETag of a compressed static file becomes weak (as nginx does): the bytes differ, the content does not,
and a revalidation with it still gets its 304 from send_file.
"""
from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/problem+json", "text/calendar", "text/csv", "text/plain", "application/xml", "image/svg+xml",
})
MIN_BYTES = 500
PAGE_LEVEL = 6
STATIC_LEVEL = 9
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})
# GET pages that show a secret next to what the address or a form reflects: never compressed (BREACH).
SECRET_ENDPOINTS = frozenset({
    "people.two_factor",                # the two-step set-up's key
    "meetings.calendar_subscription",   # the personal feed's secret address
    "auth.accept_invitation",           # the invitation token in the address and the form
    "auth.reset_password",              # the reset token in the address and the form
})
_STATIC_CACHE_MAX = 64
_static_cache: dict[tuple[str, str], bytes] = {}


def init_app(app: Flask) -> None:
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if (response.status_code != 200 or request.method not in ("GET", "HEAD")
            or "Content-Encoding" in response.headers or "Content-Range" in response.headers
            or "no-transform" in response.headers.get("Cache-Control", "")
            or request.endpoint in SECRET_ENDPOINTS
            or not request.accept_encodings["gzip"]):
        return response
    if response.is_streamed and not response.direct_passthrough:
        return response  # a generator: leave it streaming
    length = response.content_length
    if length is not None and length < MIN_BYTES:
        return response
    if request.endpoint in STATIC_ENDPOINTS:
        body = _compressed_static(response)
    else:
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        body = gzip.compress(data, PAGE_LEVEL, mtime=0)
    response.direct_passthrough = False
    response.set_data(body)  # also sets Content-Length
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def _compressed_static(response: Response) -> bytes:
    etag, _weak = response.get_etag()
    key = (request.path, etag or "")
    body = _static_cache.get(key) if etag else None
    if body is None:
        response.direct_passthrough = False
        body = gzip.compress(response.get_data(), STATIC_LEVEL, mtime=0)
        if etag:
            if len(_static_cache) >= _STATIC_CACHE_MAX:
                _static_cache.clear()
            _static_cache[key] = body
    elif hasattr(response.response, "close"):
        response.response.close()  # the file is not read again
    return body

"""Keeping redirects on this site."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for


def safe_next(target: str | None, default_endpoint: str = "main.home") -> str:
    """`target` when it is a path on this site, else the default page."""
    default = url_for(default_endpoint)
    if not target or len(target) > 2000:
        return default
    decoded = target
    for _attempt in range(3):  # undo repeated percent-encoding such as %252F%252F
        decoded = unquote(decoded)
    if any(c in decoded for c in ("\\", "\r", "\n", "\t")) or any(ord(c) < 32 for c in decoded):
        return default
    if not decoded.startswith("/") or decoded.startswith("//"):
        return default
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return default
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        return default  # "/.//evil.example" would resolve to the path "//evil.example"
    return target if target.startswith("/") and not target.startswith("//") else default

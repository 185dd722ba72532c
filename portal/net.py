"""The client's address, as seen after ProxyFix (which trusts only the configured hops)."""
from flask import request


def client_address() -> str:
    return request.remote_addr or "unknown"

"""With REDIS_URL set, login throttling is shared through Redis (so several app servers agree)."""
from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import Client

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return client


def test_failed_logins_are_counted_in_redis_across_app_instances(app, world):
    from portal import create_app
    from portal.extensions import limiter

    store = _redis()
    saved = {k: getattr(limiter, k) for k in ("_storage", "_limiter", "_key_prefix")}
    prefix = f"portal-test-{uuid.uuid4().hex[:8]}"
    settings = dict(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                    RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    first, second = create_app("testing", **settings), create_app("testing", **settings)
    first.test_client_class = second.test_client_class = Client
    try:
        statuses = []
        for n in range(6):
            server = first if n % 2 == 0 else second  # alternate between two "app servers"
            client = server.test_client()
            statuses.append(client.post_form("/login", {"email": world.representative.email,
                                                        "password": "wrong password!!"}).status_code)
        assert statuses[:5] == [200] * 5
        assert statuses[5] == 429
        assert any(prefix in key.decode() for key in store.scan_iter(f"*{prefix}*"))
    finally:
        for name, value in saved.items():  # the limiter is a module-level singleton: restore it
            setattr(limiter, name, value)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)

"""CACHE_URL=redis://… gives every worker one shared cache (README "Settings")."""

from __future__ import annotations

import socket

from django.core.cache.backends.redis import RedisCache

from tests.conftest import skip_or_fail


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_two_workers_configured_with_cache_url_see_one_cache():
    if not _redis_up():
        skip_or_fail("no Redis on 127.0.0.1:6379")  # a failure under .ci/run, where this machine kind runs Redis
    url = "redis://127.0.0.1:6379/15"
    first, second = RedisCache(url, {}), RedisCache(url, {})  # as two gunicorn workers would build it
    first.set("notifications:unread:42", 3, 30)
    try:
        assert second.get("notifications:unread:42") == 3
        second.delete("notifications:unread:42")
        assert first.get("notifications:unread:42") is None
    finally:
        first.delete("notifications:unread:42")

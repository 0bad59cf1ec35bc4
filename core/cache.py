"""Django's Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call (and each one fills its
table of ~80 response callbacks): about 0.1–0.2 ms of Python per call, which every signed-in request
paid twice (the session and the user's state, issue 21). A ``redis.Redis`` is safe to share between
threads and checks its pool's process id after a fork, so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

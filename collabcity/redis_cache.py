"""Django's Redis cache with one client per connection pool.

Django builds a new `redis.Redis` for every cache call, and each one fills a table of some 170
response callbacks: on a page served from the cache that was a fifth of the request's time. A
client is safe to share between threads (every command borrows a connection from the pool and
gives it back), so each pool keeps one.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # The pool of this very index (Django's _get_connection_pool draws its own).
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

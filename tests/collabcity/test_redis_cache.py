"""collabcity/redis_cache.py: Django's Redis cache with one client per connection pool."""

from collabcity.redis_cache import PortalRedisCache


def test_each_client_is_kept_and_talks_to_its_own_pool():
    servers = ["redis://primary:6379/0", "redis://copy-1:6379/0", "redis://copy-2:6379/0"]
    cache = PortalRedisCache(",".join(servers), {})
    client = cache._cache

    written = client.get_client(write=True)
    assert client.get_client(write=True) is written
    for _ in range(50):
        client.get_client()  # reads go to a copy drawn at random
    for index, kept in client._clients.items():
        assert kept.connection_pool is client._pools[index]
        assert kept.connection_pool.connection_kwargs["host"] == servers[index][8:].split(":")[0]

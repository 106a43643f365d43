"""Django's Redis cache, with one redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` on every cache call, and with it a table of
about 170 response callbacks: ~70 µs each time, three times a page here (the session, the
unread badge, the filters' HTML). A client is thread-safe and holds no connection of its own
(the pool does), so one per pool serves every call.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

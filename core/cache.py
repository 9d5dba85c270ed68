"""The cache on Redis, answering even while Redis is down.

Django's Redis cache raises on a connection error, so a Redis outage would turn every request that counts
something in the cache (the sign-in family's rate limits) into an error page. Here any Redis error (refused,
timed out, read-only during a failover, out of memory) is logged and taken as a miss: a read finds nothing, a write is dropped. For rate limits this fails
open: while Redis is down the counts start from zero and no one is limited. Lockout after repeated failed
logins does not depend on it: django-axes keeps its failures in the database (AXES_HANDLER), so it holds.
After a failure the cache skips Redis for a few seconds (a breaker), so a Redis that hangs costs one timeout
now and then, not one per call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import structlog
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from core.breaker import Breaker

log = structlog.get_logger("finsight.cache")

UNREACHABLE = (RedisError,)  # refused, timed out, read-only during a failover, out of memory
# Seconds the cache skips Redis after a failure (per process).
COOLDOWN_SECONDS = 10
_BREAKERS: dict[str, Breaker] = {}


def _missing_on_outage(default: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer ``default(*args, **kwargs)`` instead of raising when Redis cannot be reached."""
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: FailOpenRedisCache, *args: Any, **kwargs: Any) -> Any:
            if self.breaker.is_open():
                return default(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.breaker.trip()
                log.warning("cache_unreachable", operation=method.__name__, error=str(error))
                return default(*args, **kwargs)
        return wrapper
    return decorate


def _get_default(key: Any, default: Any = None, version: Any = None) -> Any:
    return default


def _key_not_found(key: Any, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"Key '{key}' not found.")  # what incr() says of a missing key


class FailOpenRedisCache(RedisCache):
    """RedisCache where an unreachable Redis is a miss (reads) or a dropped write, logged, never an error."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # Django makes a cache object per thread; the breaker is the process's, one per Redis.
        self.breaker = _BREAKERS.setdefault(server, Breaker(cooldown=COOLDOWN_SECONDS))

    get = _missing_on_outage(_get_default)(RedisCache.get)
    get_many = _missing_on_outage(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _missing_on_outage(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _missing_on_outage(lambda *args, **kwargs: False)(RedisCache.add)
    set = _missing_on_outage(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _missing_on_outage(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _missing_on_outage(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _missing_on_outage(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _missing_on_outage(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _missing_on_outage(lambda *args, **kwargs: False)(RedisCache.clear)
    incr = _missing_on_outage(_key_not_found)(RedisCache.incr)

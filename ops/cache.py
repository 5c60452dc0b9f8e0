"""A Redis cache that fails soft: when Redis is unreachable a read is a miss and
a write is dropped, with a warning, instead of an error page."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("ailb.ops")

_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_FALLBACKS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: [],
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: False,
    "get_or_set": None,  # composed of get/add: already covered
    # A counter that cannot be reached reads as freshly started (invalidation
    # stamps, throttles); a missing key still raises ValueError as usual.
    "incr": lambda args, kwargs: kwargs.get("delta", args[1] if len(args) > 1 else 1),
    "decr": lambda args, kwargs: -kwargs.get("delta", args[1] if len(args) > 1 else 1),
}


def _fail_soft(name, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _DOWN as exc:
            logger.warning("Cache Redis indisponible (%s) : %s ignoré", exc.__class__.__name__, name)
            return fallback(args, kwargs)

    return wrapper


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a dead Redis must not hold a request for seconds.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1)
        params["OPTIONS"] = options
        super().__init__(server, params)


for _name, _fallback in _FALLBACKS.items():
    if _fallback is not None:
        setattr(FailSoftRedisCache, _name, _fail_soft(_name, _fallback))

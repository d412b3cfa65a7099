"""A simple per-client rate limit for public pages that look things up (e.g. notice verification), so that
codes cannot be enumerated. Counted in the cache (CACHE_URL: Redis in production, shared by every worker)."""

import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render

from .client_ip import client_ip


def rate_limited(scope: str, *, limit: int, per: int):
    """Allow `limit` requests per `per` seconds from one client address; beyond that, answer 429."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            window = int(time.time() // per)
            key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
            cache.add(key, 0, timeout=per + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr
                count = 1
            if count > limit:
                response = render(request, "429.html", {"retry_after": per}, status=429)
                response["Retry-After"] = str(per)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

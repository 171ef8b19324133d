"""Failed-attempt limits per client address, for the public look-ups that take a second factor.

A look-up by a code plus a phone number could be used to guess phone numbers; after ``limit`` failures
from one address within ``window`` seconds the page refuses further attempts until the window ends.
The counts live in Django's default cache: Redis when ``CACHE_URL`` is set, shared by every process, so
the limit holds for the installation; the per-process local-memory cache only when it is unset (a laptop,
the tests), where the limit multiplies with the number of workers (the production settings warn:
check ``cchc.W001``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The direct peer; behind a reverse proxy the proxy must pass the client address on."""
    return str(request.META.get("REMOTE_ADDR", ""))


@dataclass(frozen=True)
class FailureThrottle:
    """``limit`` failed attempts per client address within ``window`` seconds, counted under ``prefix``."""

    prefix: str
    limit: int = 10
    window: int = 15 * 60

    def _key(self, request: HttpRequest) -> str:
        return f"{self.prefix}:{client_address(request)}"

    def blocked(self, request: HttpRequest) -> bool:
        return int(cache.get(self._key(request), 0)) >= self.limit

    def failed(self, request: HttpRequest) -> None:
        key = self._key(request)
        if cache.add(key, 1, self.window):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window)

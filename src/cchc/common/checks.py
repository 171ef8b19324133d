"""System checks of the installation's configuration (issue 12 items 3 and 10)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production (``CCHC_REQUIRE_SHARED_CACHE``): the cache must be shared by the processes, or every
    limit counted in it (the look-up throttles) multiplies with the number of workers."""
    if not getattr(settings, "CCHC_REQUIRE_SHARED_CACHE", False):
        return []
    if settings.CACHES.get("default", {}).get("BACKEND") in LOCAL_CACHES:
        return [
            Warning(
                "Chưa cấu hình bộ nhớ đệm dùng chung: giới hạn tra cứu sai được đếm riêng trong từng tiến trình.",
                hint="Đặt CACHE_URL, ví dụ redis://127.0.0.1:6379/0.",
                id="cchc.W001",
            )
        ]
    return []

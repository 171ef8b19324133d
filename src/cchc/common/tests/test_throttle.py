from django.core.cache import cache
from django.test import RequestFactory

from cchc.common.throttle import FailureThrottle


def test_an_address_is_blocked_after_its_limit_and_others_are_not():
    cache.clear()
    throttle = FailureThrottle("test-lookup", limit=2, window=60)
    one = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    other = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")

    throttle.failed(one)
    assert not throttle.blocked(one)
    throttle.failed(one)

    assert throttle.blocked(one)
    assert not throttle.blocked(other)
    cache.clear()

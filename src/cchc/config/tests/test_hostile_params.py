"""No request ends in HTTP 500, whatever numbers a client puts in the URL, the query or the form.

The crawl walks every URL pattern of the project (the admin included) and requests each with hostile
values in its path parameters and in every query parameter a view reads (found in the sources), by GET
and by POST, anonymously and as a superuser who also holds every role at three agencies. Values:
Unicode digits (``²``, Arabic-Indic), numbers beyond the PostgreSQL integer and bigint columns, an
exponent that no Decimal can hold, dates outside any calendar the platform knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.dossiers.tests.conftest import MERGER_DAY, PUBLISHED
from cchc.reporting.tests.conftest import RWorld, build_reporting_world

HOSTILE = [
    "²",  # str.isdigit() says yes, int() says no
    "TT-²³",  # the portal's submission reference with Unicode digits
    "9" * 20,  # beyond a bigint
    "2147483648",  # beyond an integer column
    "1E+999999999",  # a Decimal no column holds
    "0001-01-01",  # dates whose neighbours overflow
    "9999-12-31",
]
SRC = Path(__file__).resolve().parents[2]
_PARAM_READ = re.compile(r"""(?:GET|POST|query_params)(?:\.get\(|\[)\s*["']([^"']+)["']""")
# query parameters read through forms bound to request.GET (their field names) and the usual ones
EXTRA_PARAMS = {
    "reference",
    "factor",
    "dossier",
    "amount",
    "receiver",
    "new_due_at",
    "trang",
    "page",
    "nam",
    "year",
    "tu",
    "den",
    "ky",
    "program",
    "points",
    "sample_target",
    "percent",
}


def _query_names() -> list[str]:
    names = set(EXTRA_PARAMS)
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts:
            continue
        names.update(_PARAM_READ.findall(path.read_text(encoding="utf-8")))
    return sorted(names - {"csrfmiddlewaretoken"})


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every pattern as a template: ``<name>`` stands for each path parameter."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + _template(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + _template(entry.pattern)


def _template(pattern: Any) -> str:
    text = str(pattern)
    if hasattr(pattern, "converters") and "(?P<" not in text and not text.startswith("^"):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)
    text = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", r"<\1>", text)  # regex groups
    return text.lstrip("^").rstrip("$").replace("\\", "").replace("\\Z", "")


@pytest.fixture(scope="module")
def crawl_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[RWorld, User]]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_reporting_world()
        boss = User.objects.create_superuser(username="sieu", password="x-Secret-123", email="s@example.vn")
        for agency in (world.noi_vu, world.justice, world.commune):
            for area in Area:  # every area and role: every page and action is reached
                for role in Role:
                    membership_grant(
                        user=boss,
                        agency=agency,
                        area=area,
                        role=role,
                        valid_from=MERGER_DAY,
                        actor=None,
                        at=PUBLISHED,
                    )
        yield world, boss
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """The crawl fails many look-ups from one address: leave no spent throttle to the tests that follow."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_no_url_answers_5xx_to_hostile_parameters(crawl_world: tuple[RWorld, User], who: str, settings: Any) -> None:
    _, boss = crawl_world
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    if who == "staff":
        client.force_login(boss)
    names = _query_names()
    failures: list[str] = []
    for template in sorted(set(_routes(get_resolver().url_patterns))):
        for value in HOSTILE:
            path = "/" + re.sub(r"<\w+>", value, template)
            query = dict.fromkeys(names, value)
            for method in ("get", "post"):
                if who == "staff" and "_auth_user_id" not in client.session:
                    client.force_login(boss)  # a logout page was among the URLs
                response = getattr(client, method)(path, query)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} ({value}) -> {response.status_code}")
    assert not failures, "\n".join(failures)

"""An open-data harvester using CKAN's Action API through the ``ckanapi`` client library (issue 17,
"Done when"): against the live server it lists every dataset, reads each with its resources and
downloads, searches, and pages through a datastore resource."""

from __future__ import annotations

import hashlib
import tempfile
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN, ValidationError
from django.test import override_settings

from cchc.opendata.constants import LICENCE
from cchc.opendata.datasets import SPECS
from cchc.opendata.services import opendata_publish

from .world import AT, MONTH, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def harvested_site(transactional_db: None, live_server: Any) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        build_world(dossiers=60)
        opendata_publish(month=MONTH, at=AT)
        yield f"{live_server.url}/du-lieu-mo"


def test_ckanapi_lists_reads_and_pages_every_dataset(harvested_site: str) -> None:
    with RemoteCKAN(harvested_site, user_agent="cchc-test-harvester") as ckan:
        names = ckan.action.package_list()
        assert sorted(names) == sorted(s.name for s in SPECS)
        for name in names:
            package = ckan.action.package_show(id=name)
            assert package["name"] == name
            assert package["license_id"] == LICENCE.ID
            extras = {e["key"]: e["value"] for e in package["extras"]}
            assert extras["temporal_start"] == "2025-08-01"
            assert extras["spatial_text"]
            assert {r["format"] for r in package["resources"]} == {"CSV", "JSON"}
            for resource in package["resources"]:
                with urllib.request.urlopen(resource["url"]) as response:  # noqa: S310 (the live test server)
                    content = response.read()
                assert len(content) == resource["size"]
                assert f"sha256:{hashlib.sha256(content).hexdigest()}" == resource["hash"]

        found = ckan.action.package_search(q="hồ sơ", rows=1, start=0)
        assert found["count"] >= 1
        assert len(found["results"]) == 1

        stats = ckan.action.package_show(id="thong-ke-ho-so-thu-tuc-hanh-chinh")
        resource_id = next(r["id"] for r in stats["resources"] if r["format"] == "JSON")
        first = ckan.action.datastore_search(resource_id=resource_id, limit=5)
        total = first["total"]
        assert total > 5
        records, offset = [], 0
        while offset < total:
            page = ckan.action.datastore_search(resource_id=resource_id, limit=5, offset=offset)
            records += page["records"]
            offset += 5
        assert len(records) == total
        assert [r["_id"] for r in records] == list(range(1, total + 1))
        agency = records[0]["ma_co_quan"]
        filtered = ckan.action.datastore_search(resource_id=resource_id, filters={"ma_co_quan": agency})
        assert filtered["total"] == sum(1 for r in records if r["ma_co_quan"] == agency)

        with pytest.raises(NotFound):
            ckan.action.package_show(id="khong-co-bo-nay")
        with pytest.raises(ValidationError):
            ckan.action.datastore_search(resource_id=resource_id, limit="nhieu")

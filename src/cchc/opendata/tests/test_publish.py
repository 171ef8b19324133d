"""The monthly publication (cchc.opendata.services) and the CKAN-compatible API's answers and refusals."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from cchc.audit.models import AuditEvent
from cchc.indicators.models import Grain, IndicatorRollup
from cchc.opendata.constants import LICENCE, SUPPRESSED_MARK, OpenDataError, OpenDataErrorCode
from cchc.opendata.datasets import SPECS
from cchc.opendata.models import Dataset, Resource
from cchc.opendata.selectors import resource_content
from cchc.opendata.services import last_complete_month, month_parse, opendata_publish

from .world import AT, MONTH, build_world


@pytest.fixture(scope="module")
def published(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Any]]:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        with django_db_blocker.unblock(), transaction.atomic():
            build_world(dossiers=90)
            first = opendata_publish(month=MONTH, at=AT)
            yield first
            transaction.set_rollback(True)


@pytest.fixture
def world(published: list[Any], db: None) -> list[Any]:
    return published


def _csv(resource: Resource) -> list[dict[str, str]]:
    text = resource_content(resource).decode("utf-8")
    assert text.startswith("\ufeff")  # UTF-8 with BOM: Excel reads the diacritics
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_dataset_has_a_csv_and_a_json_with_its_metadata(world: list[Any]) -> None:
    assert [p.dataset for p in world] == [s.name for s in SPECS]
    assert all(p.changed for p in world)
    for dataset in Dataset.objects.all():
        assert dataset.licence_id == LICENCE.ID
        formats = sorted(r.format for r in dataset.resources.filter(month="2025-08"))
        assert formats == ["CSV", "JSON"]
        for resource in dataset.resources.all():
            content = resource_content(resource)
            assert resource.byte_size == len(content)
            assert default_storage.exists(resource.storage_name)
            assert (resource.temporal_start.isoformat(), resource.temporal_end.isoformat()) == (
                "2025-08-01",
                "2025-08-31",
            )


def test_dossier_counts_come_from_the_rollups_with_small_counts_hidden(world: list[Any]) -> None:
    resource = Resource.objects.get(dataset__name="thong-ke-ho-so-thu-tuc-hanh-chinh", format="CSV")
    rows = _csv(resource)
    assert rows, "some dossiers were received in August 2025"
    received = sum(IndicatorRollup.objects.filter(grain=Grain.MONTH, bucket=MONTH).values_list("received", flat=True))
    totals = [r for r in rows if r["ma_thu_tuc"] == ""]
    shown = [int(r["tiep_nhan"]) for r in totals if r["tiep_nhan"] != SUPPRESSED_MARK]
    assert sum(shown) <= received
    for row in rows:
        for column in ("tiep_nhan", "giai_quyet", "dung_han", "qua_han"):
            value = row[column]
            assert value == SUPPRESSED_MARK or not 0 < int(value) < 5, (row, column)
            assert (value == SUPPRESSED_MARK) == (column in row["o_bi_an"].split(";"))
    assert resource.suppressed_cells > 0
    data = json.loads(resource_content(Resource.objects.get(dataset=resource.dataset, format="JSON")))
    hidden = [r for r in data["du_lieu"] if r["o_bi_an"]]
    assert hidden
    assert all(r[c] is None for r in hidden for c in r["o_bi_an"].split(";"))


def test_indicators_by_agency_hide_ratios_of_small_counts(world: list[Any]) -> None:
    rows = _csv(Resource.objects.get(dataset__name="chi-so-phuc-vu-nguoi-dan-doanh-nghiep", format="CSV"))
    assert {r["co_quan"] for r in rows if r["ma_co_quan"] == ""} == {"Toàn tỉnh"}
    for row in rows:
        if "tu_so" in row["o_bi_an"]:
            assert row["ty_le"] == SUPPRESSED_MARK
            assert row["tu_so"] == SUPPRESSED_MARK


def test_publishing_again_changes_nothing(world: list[Any]) -> None:
    before = {r.pk: (r.checksum, r.modified) for r in Resource.objects.all()}
    events = AuditEvent.objects.filter(action="opendata.publish").count()
    assert events == 2 * len(SPECS)  # one per file written
    again = opendata_publish(month=MONTH, at=AT.replace(day=20))
    assert not any(p.changed for p in again)
    assert {r.pk: (r.checksum, r.modified) for r in Resource.objects.all()} == before
    assert AuditEvent.objects.filter(action="opendata.publish").count() == events


def test_the_list_page_and_the_api_read_in_a_fixed_number_of_queries(
    world: list[Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        assert client.get("/du-lieu-mo/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/du-lieu-mo/api/3/action/package_list").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/du-lieu-mo/api/3/action/package_search", {"rows": 100}).status_code == 200


def test_the_command_publishes_again_without_change_and_skips_when_asked(world: list[Any], capsys: Any) -> None:
    call_command("opendata", "publish", "--month", "2025-08")
    assert "không đổi" in capsys.readouterr().out
    call_command("opendata", "publish", "--from", "2025-07", "--if-empty")
    assert "bỏ qua" in capsys.readouterr().out
    assert last_complete_month(AT) == MONTH.replace(month=9)
    with pytest.raises(OpenDataError) as refused:
        month_parse("2025-13")
    assert refused.value.code == OpenDataErrorCode.INVALID_MONTH


def test_pages_list_and_show_the_datasets(world: list[Any], client: Client) -> None:
    page = client.get("/du-lieu-mo/")
    assert page.status_code == 200
    assert "Dữ liệu mở" in page.content.decode()
    detail = client.get("/du-lieu-mo/thong-ke-ho-so-thu-tuc-hanh-chinh/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert LICENCE.TITLE in text
    assert "2025-08" in text
    resource = Resource.objects.get(dataset__name="thong-ke-ho-so-thu-tuc-hanh-chinh", format="CSV")
    download = client.get(f"/du-lieu-mo/thong-ke-ho-so-thu-tuc-hanh-chinh/tep/{resource.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == resource_content(resource)
    dcat = client.get("/du-lieu-mo/thong-ke-ho-so-thu-tuc-hanh-chinh/dcat.jsonld").json()
    assert dcat["@type"] == "dcat:Dataset"
    dist = dcat["dcat:distribution"][0]
    assert {"dcat:byteSize", "spdx:checksum", "dcat:mediaType", "dct:format"} <= set(dist)
    assert client.get("/du-lieu-mo/khong-co/").status_code == 404


def test_api_refusals_are_ckans(world: list[Any], client: Client) -> None:
    missing = client.get("/du-lieu-mo/api/3/action/package_show", {"id": "khong-co"})
    assert missing.status_code == 404
    body = missing.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Not Found Error"
    assert "help" in body
    # an id that str.isdigit takes but int refuses («³», «٣»), or too long for a key: not found, never a 500
    for odd in ("³", "٣", "9" * 30):
        assert client.get("/du-lieu-mo/api/3/action/package_show", {"id": odd}).status_code == 404, odd
    invalid = client.get("/du-lieu-mo/api/3/action/package_search", {"rows": "nhieu"})
    assert invalid.status_code == 409
    assert "rows" in invalid.json()["error"]
    no_id = client.post("/du-lieu-mo/api/3/action/datastore_search", "{}", content_type="application/json")
    assert no_id.status_code == 409
    assert no_id.json()["error"]["__type"] == "Validation Error"
    resource = Resource.objects.filter(format="JSON").first()
    assert resource is not None
    bad_filter = client.get(
        "/du-lieu-mo/api/3/action/datastore_search", {"resource_id": str(resource.pk), "filters": '{"khong": 1}'}
    )
    assert bad_filter.status_code == 409
    assert client.get("/du-lieu-mo/api/3/action/package_create").status_code == 400
    found = client.get("/du-lieu-mo/api/3/action/package_search", {"q": "thu tuc", "rows": 1}).json()["result"]
    assert found["count"] >= 2
    assert len(found["results"]) == 1


def test_the_monthly_task_publishes_idempotently(world: list[Any], settings: Any) -> None:
    from cchc.opendata.tasks import opendata_publish_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert opendata_publish_task.enqueue("2025-08").return_value == 0  # already published by the fixture
    with pytest.raises(OpenDataError) as refused:
        opendata_publish(month=AT.date().replace(month=11, day=1), at=AT)
    assert refused.value.code == OpenDataErrorCode.FUTURE_MONTH

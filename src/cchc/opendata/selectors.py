"""Reads of what ``publish`` wrote: the datasets, their files and the DCAT-AP / CKAN views of them.
Nothing here writes (the pages and the API call only these)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from cchc.common.text import fold
from cchc.indicators.periods import VN_TZ
from cchc.opendata.constants import LICENCE, Format, OpenDataError, OpenDataErrorCode
from cchc.opendata.models import Dataset, Resource
from cchc.org.models import AdministrativeUnit


@dataclass(frozen=True)
class Publisher:
    province: str  # dct:spatial
    name: str  # dct:publisher


def publisher_get() -> Publisher:
    """The province (``CCHC_PROVINCE_CODE``) and its people's committee, the publisher (one query)."""
    unit = AdministrativeUnit.objects.filter(code=settings.CCHC_PROVINCE_CODE).order_by("-pk").first()
    province = unit.name if unit else "Tỉnh Khánh Hòa"
    lowered = f"{province[0].lower()}{province[1:]}" if province.startswith("Tỉnh") else province
    return Publisher(province=province, name=f"Ủy ban nhân dân {lowered}")


def dataset_list() -> QuerySet[Dataset]:
    return Dataset.objects.prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("-month", "format"))
    )


DATASET_ID = re.compile(r"[0-9]{1,18}")


def dataset_get(*, name: str) -> Dataset:
    """By name or id (CKAN accepts either). An id is ASCII digits and fits a bigint: ``str.isdigit`` alone
    also takes «³» or «٣», which ``int`` refuses."""
    found = dataset_list().filter(name=name).first()
    if found is None and DATASET_ID.fullmatch(name):
        found = dataset_list().filter(pk=int(name)).first()
    if found is None:
        raise OpenDataError(OpenDataErrorCode.NOT_FOUND, f"Không tìm thấy bộ dữ liệu «{name}».")
    return found


def resource_get(*, resource_id: str) -> Resource:
    try:
        key = uuid.UUID(str(resource_id))
    except ValueError:
        key = None
    found = Resource.objects.select_related("dataset").filter(pk=key).first() if key else None
    if found is None:
        raise OpenDataError(OpenDataErrorCode.NOT_FOUND, f"Không tìm thấy tệp dữ liệu «{resource_id}».")
    return found


def resource_content(resource: Resource) -> bytes:
    with default_storage.open(resource.storage_name, "rb") as handle:
        return handle.read()


def resource_records(resource: Resource) -> list[dict[str, Any]]:
    """The rows of a resource, from the JSON file of the same dataset and month (the CSV holds the same)."""
    source = resource
    if resource.format != Format.JSON:
        source = Resource.objects.get(dataset_id=resource.dataset_id, month=resource.month, format=Format.JSON)
    records: list[dict[str, Any]] = json.loads(resource_content(source))["du_lieu"]
    return records


def dataset_search(*, q: str) -> list[Dataset]:
    """Datasets whose name, title, description or keywords hold every word of ``q`` (accents ignored)."""
    words = fold(q).split()
    found = []
    for dataset in dataset_list():
        text = fold(" ".join([dataset.name, dataset.title, dataset.notes, *dataset.keywords]))
        if all(word in text for word in words):
            found.append(dataset)
    return found


def _iso(value: Any) -> str:
    """CKAN's form of a moment: ISO 8601 without offset, in UTC (``metadata_modified``)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()


def _local(value: Any) -> str:
    """DCAT's form: ISO 8601 with the Vietnam offset."""
    return value.astimezone(VN_TZ).isoformat()


def _absolute(base: str, path: str) -> str:
    return base.rstrip("/") + path


def resource_dict(resource: Resource, *, base: str) -> dict[str, Any]:
    """A CKAN resource (and the fields of a dcat:Distribution)."""
    return {
        "id": str(resource.id),
        "package_id": str(resource.dataset_id),
        "name": resource.name,
        "description": f"Số liệu tháng {resource.temporal_start:%m/%Y}, {resource.row_count} dòng.",
        "format": resource.format,
        "mimetype": resource.media_type,
        "size": resource.byte_size,
        "hash": f"sha256:{resource.checksum}",
        "url": _absolute(base, reverse("opendata:download", args=[resource.dataset.name, resource.pk])),
        "created": _iso(resource.issued),
        "last_modified": _iso(resource.modified),
        "datastore_active": True,
        "temporal_start": resource.temporal_start.isoformat(),
        "temporal_end": resource.temporal_end.isoformat(),
        "state": "active",
    }


def package_dict(dataset: Dataset, *, base: str, publisher: Publisher | None = None) -> dict[str, Any]:
    """A CKAN package (the fields of a dcat:Dataset in CKAN's form; extras carry the DCAT-AP ones CKAN
    has no field for, as ckanext-dcat names them)."""
    resources = list(dataset.resources.all())
    months = sorted({r.month for r in resources})
    publisher = publisher or publisher_get()
    temporal = (
        (min(r.temporal_start for r in resources).isoformat(), max(r.temporal_end for r in resources).isoformat())
        if resources
        else ("", "")
    )
    return {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": LICENCE.ID,
        "license_title": LICENCE.TITLE,
        "license_url": LICENCE.URL,
        "author": publisher.name,
        "maintainer": publisher.name,
        "organization": {"name": "ubnd-tinh", "title": publisher.name, "type": "organization"},
        "metadata_created": _iso(dataset.issued),
        "metadata_modified": _iso(dataset.modified),
        "url": _absolute(base, reverse("opendata:dataset", args=[dataset.name])),
        "tags": [{"name": k} for k in dataset.keywords],
        "groups": [{"name": dataset.theme}] if dataset.theme else [],
        "num_resources": len(resources),
        "num_tags": len(dataset.keywords),
        "resources": [resource_dict(r, base=base) for r in resources],
        "extras": [
            {"key": "issued", "value": _iso(dataset.issued)},
            {"key": "modified", "value": _iso(dataset.modified)},
            {"key": "frequency", "value": dataset.frequency},
            {"key": "spatial_text", "value": publisher.province},
            {"key": "spatial_uri", "value": f"urn:vn:dvhc:{settings.CCHC_PROVINCE_CODE}"},
            {"key": "temporal_start", "value": temporal[0]},
            {"key": "temporal_end", "value": temporal[1]},
            {"key": "publisher_name", "value": publisher.name},
            {"key": "language", "value": "vi"},
            {"key": "months", "value": ",".join(months)},
        ],
    }


def dataset_dcat(dataset: Dataset, *, base: str) -> dict[str, Any]:
    """The dataset as DCAT-AP JSON-LD (dcat:Dataset with its dcat:Distribution)."""
    package = package_dict(dataset, base=base)
    extras: Mapping[str, str] = {e["key"]: e["value"] for e in package["extras"]}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": package["url"],
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.name,
        "dct:title": {"@value": dataset.title, "@language": "vi"},
        "dct:description": {"@value": dataset.notes, "@language": "vi"},
        "dcat:keyword": [{"@value": k, "@language": "vi"} for k in dataset.keywords],
        "dcat:theme": dataset.theme,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": extras["publisher_name"]},
        "dct:issued": {"@value": _local(dataset.issued), "@type": "xsd:dateTime"},
        "dct:modified": {"@value": _local(dataset.modified), "@type": "xsd:dateTime"},
        "dct:accrualPeriodicity": dataset.frequency,
        "dct:language": "vi",
        "dct:spatial": {"@id": extras["spatial_uri"], "dct:title": extras["spatial_text"]},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": extras["temporal_start"],
            "dcat:endDate": extras["temporal_end"],
        },
        "dct:license": {"@id": LICENCE.URL, "dct:title": LICENCE.TITLE},
        "dcat:distribution": [
            {
                "@id": r["url"],
                "@type": "dcat:Distribution",
                "dct:title": r["name"],
                "dct:description": r["description"],
                "dcat:accessURL": package["url"],
                "dcat:downloadURL": r["url"],
                "dct:format": r["format"],
                "dcat:mediaType": r["mimetype"],
                "dcat:byteSize": {"@value": r["size"], "@type": "xsd:nonNegativeInteger"},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                    "spdx:checksumValue": r["hash"].removeprefix("sha256:"),
                },
                "dct:issued": _local(resource.issued),
                "dct:modified": _local(resource.modified),
                "dct:temporal": {"dcat:startDate": r["temporal_start"], "dcat:endDate": r["temporal_end"]},
                "dct:license": {"@id": LICENCE.URL},
            }
            for r, resource in zip(package["resources"], dataset.resources.all(), strict=True)
        ],
    }

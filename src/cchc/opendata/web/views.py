"""The public pages of the open data (``/du-lieu-mo/``): the list of datasets, a dataset with its files
and metadata, the downloads and the DCAT-AP JSON-LD. Reads only."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.opendata.constants import LICENCE, SUPPRESSED_MARK, THRESHOLD, OpenDataError, OpenDataErrorCode
from cchc.opendata.selectors import (
    dataset_dcat,
    dataset_get,
    dataset_list,
    package_dict,
    publisher_get,
    resource_get,
)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    datasets = list(dataset_list())
    context = {
        "datasets": datasets,
        "licence": LICENCE,
        "publisher": publisher_get(),
        "threshold": THRESHOLD,
        "mark": SUPPRESSED_MARK,
    }
    return render(request, "opendata/index.html", context)


@require_GET
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    found = dataset_get(name=name)
    package = package_dict(found, base=_base(request))
    extras = {e["key"]: e["value"] for e in package["extras"]}
    resources = list(found.resources.all())
    months: dict[str, list[object]] = {}
    for resource in resources:
        months.setdefault(resource.month, []).append(resource)
    fields = resources[0].fields if resources else []
    context = {
        "dataset": found,
        "package": package,
        "extras": extras,
        "months": months.items(),
        "fields": fields,
        "licence": LICENCE,
        "threshold": THRESHOLD,
        "mark": SUPPRESSED_MARK,
    }
    return render(request, "opendata/dataset.html", context)


@require_GET
def dataset_jsonld(request: HttpRequest, name: str) -> JsonResponse:
    body = dataset_dcat(dataset_get(name=name), base=_base(request))
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


@require_GET
def download(request: HttpRequest, name: str, resource_id: str) -> FileResponse:
    resource = resource_get(resource_id=resource_id)
    if resource.dataset.name != name:
        raise OpenDataError(OpenDataErrorCode.NOT_FOUND, f"Không tìm thấy tệp dữ liệu «{resource_id}».")
    handle = default_storage.open(resource.storage_name, "rb")
    filename = resource.storage_name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=f"{resource.media_type}; charset=utf-8"
    )
    response["Digest"] = f"sha-256={resource.checksum}"
    return response

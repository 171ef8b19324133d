"""A read API compatible with CKAN's Action API (``/du-lieu-mo/api/3/action/<action>``, and
``/du-lieu-mo/api/action/<action>`` as CKAN also serves it and the ``ckanapi`` client calls it), so that
existing open-data portals can harvest the datasets: ``package_list``, ``package_show``,
``package_search``, ``datastore_search``.

As CKAN: parameters in the query string (GET) or a JSON object in the body (POST, what ``ckanapi``
sends); every answer is ``{"help", "success", "result"}``; a refusal ``{"help", "success": false,
"error": {"__type", "message", ...}}`` with 404 (``Not Found Error``), 409 (``Validation Error``: the
offending parameters as keys) or 400 (an unknown action, a body that is not JSON). Reads only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cchc.opendata.constants import OpenDataError, OpenDataErrorCode
from cchc.opendata.selectors import (
    dataset_get,
    dataset_list,
    dataset_search,
    package_dict,
    publisher_get,
    resource_get,
    resource_records,
)

MAX_ROWS = 1000  # package_search rows, as CKAN's default ckan.search.rows_max
DATASTORE_DEFAULT_LIMIT = 100  # as CKAN
DATASTORE_MAX_LIMIT = 32000  # CKAN's ckan.datastore.search.rows_max default


def _invalid(errors: dict[str, list[str]]) -> OpenDataError:
    key, messages = next(iter(errors.items()))
    return OpenDataError(OpenDataErrorCode.INVALID_PARAMETER, f"{key}: {messages[0]}", errors=errors)


def _help(request: HttpRequest, action: str) -> str:
    return request.build_absolute_uri(f"{request.path.rsplit('/action/', 1)[0]}/action/help_show?name={action}")


def _int(params: dict[str, Any], key: str, default: int, *, maximum: int | None = None) -> int:
    raw = params.get(key, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise _invalid({key: [f"Giá trị không hợp lệ: «{raw}» phải là số nguyên (Invalid integer)"]}) from None
    if value < 0:
        raise _invalid({key: ["Phải là số không âm (Must be a natural number)"]})
    return min(value, maximum) if maximum is not None else value


def _required(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if value in (None, ""):
        raise _invalid({key: ["Thiếu giá trị (Missing value)"]})
    return str(value)


def package_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    return [d.name for d in dataset_list()]


def package_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    return package_dict(dataset_get(name=_required(params, "id")), base=request.build_absolute_uri("/"))


def package_search(request: HttpRequest, params: dict[str, Any]) -> Any:
    q = str(params.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    rows = _int(params, "rows", 10, maximum=MAX_ROWS)
    start = _int(params, "start", 0)
    found = dataset_search(q=q)
    base, publisher = request.build_absolute_uri("/"), publisher_get()
    return {
        "count": len(found),
        "sort": "score desc, metadata_modified desc",
        "facets": {},
        "search_facets": {},
        "results": [package_dict(d, base=base, publisher=publisher) for d in found[start : start + rows]],
    }


def datastore_search(request: HttpRequest, params: dict[str, Any]) -> Any:
    resource = resource_get(resource_id=_required(params, "resource_id"))
    limit = _int(params, "limit", DATASTORE_DEFAULT_LIMIT, maximum=DATASTORE_MAX_LIMIT)
    offset = _int(params, "offset", 0)
    filters = params.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            raise _invalid({"filters": ["Không phải JSON hợp lệ (Cannot parse JSON)"]}) from None
    if not isinstance(filters, dict):
        raise _invalid({"filters": ["Phải là một đối tượng JSON (Not a json object)"]})
    columns = [f["id"] for f in resource.fields]
    unknown = [k for k in filters if k not in columns]
    if unknown:
        raise _invalid({"filters": [f"Cột không tồn tại: {', '.join(unknown)} (field not in resource)"]})
    records = resource_records(resource)

    def matches(record: dict[str, Any]) -> bool:
        for key, wanted in filters.items():
            options = wanted if isinstance(wanted, list) else [wanted]
            if str(record.get(key)) not in {str(o) for o in options}:
                return False
        return True

    selected = [r for r in records if matches(r)] if filters else records
    page = [{"_id": offset + i + 1, **r} for i, r in enumerate(selected[offset : offset + limit])]
    path = request.path
    return {
        "resource_id": str(resource.pk),
        "fields": [{"id": "_id", "type": "int"}]
        + [{"id": f["id"], "type": f["type"], "info": {"label": f["label"]}} for f in resource.fields],
        "records": page,
        "total": len(selected),
        "total_was_estimated": False,
        "limit": limit,
        "offset": offset,
        "filters": filters,
        "_links": {
            "start": f"{path}?resource_id={resource.pk}&limit={limit}",
            "next": f"{path}?resource_id={resource.pk}&limit={limit}&offset={offset + limit}",
        },
    }


ACTIONS: dict[str, Callable[[HttpRequest, dict[str, Any]], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "datastore_search": datastore_search,
}


def _error(request: HttpRequest, action: str, status: int, error: dict[str, Any]) -> JsonResponse:
    body = {"help": _help(request, action), "success": False, "error": error}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # read-only actions; ckanapi POSTs its parameters as JSON without a session
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> JsonResponse:
    handler = ACTIONS.get(name)
    if handler is None:
        return _error(
            request,
            name,
            400,
            {
                "__type": "Bad Request",
                "message": f"Yêu cầu không hợp lệ - Không có hành động «{name}» (Action name not known)",
            },
        )
    params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if request.POST:
                body = {k: request.POST.get(k) for k in request.POST}
            else:
                return _error(
                    request,
                    name,
                    400,
                    {"__type": "Bad Request", "message": "Nội dung yêu cầu không phải JSON hợp lệ (Bad request body)"},
                )
        params.update(body)
    try:
        result = handler(request, params)
    except OpenDataError as exc:
        if exc.code == OpenDataErrorCode.INVALID_PARAMETER:
            return _error(request, name, exc.http_status, {"__type": "Validation Error", **exc.errors})
        return _error(
            request,
            name,
            exc.http_status,
            {"__type": "Not Found Error", "message": f"Không tìm thấy: {exc.message}", "code": exc.code.value},
        )
    body = {"help": _help(request, name), "success": True, "result": result}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

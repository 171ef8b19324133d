"""Publication of the open datasets (``cchc opendata publish``, the monthly task): the only writes of
the app. Pages and the API read what it wrote (cchc.opendata.selectors)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import audit_record
from cchc.common.spreadsheets import csv_writer
from cchc.indicators.periods import VN_TZ
from cchc.opendata.constants import (
    LICENCE,
    MEDIA_TYPES,
    SUPPRESSED_COLUMN,
    SUPPRESSED_MARK,
    Format,
    OpenDataError,
    OpenDataErrorCode,
)
from cchc.opendata.datasets import SPECS, Column, Spec, Table, month_period
from cchc.opendata.models import Dataset, Resource

STORAGE_PREFIX = "du-lieu-mo"


def month_parse(text: str) -> date:
    """``YYYY-MM`` → the month's first day; a clear refusal otherwise."""
    year, _, month = text.strip().partition("-")
    try:
        parsed = date(int(year), int(month), 1)
    except ValueError:
        raise OpenDataError(
            OpenDataErrorCode.INVALID_MONTH, f"Tháng «{text}» không hợp lệ: ghi theo dạng NNNN-TT, ví dụ 2025-07."
        ) from None
    return parsed


def last_complete_month(at: datetime) -> date:
    """The month before the one ``at`` falls in (Vietnam time): the one the monthly run publishes."""
    today = at.astimezone(VN_TZ).date()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _columns(table: Table) -> list[Column]:
    return [*table.columns, Column(SUPPRESSED_COLUMN, "text", "Ô bị ẩn (số nhỏ)")]


def _records(table: Table) -> list[dict[str, Any]]:
    """The rows with hidden cells set to null and listed in ``o_bi_an``."""
    hidden_by_row: dict[int, set[str]] = {}
    for i, column in table.hidden:
        hidden_by_row.setdefault(i, set()).add(column)
    records = []
    order = [c.id for c in table.columns]
    for i, row in enumerate(table.rows):
        hidden = hidden_by_row.get(i, set())
        record = {c: (None if c in hidden else row.get(c)) for c in order}
        record[SUPPRESSED_COLUMN] = ";".join(c for c in order if c in hidden)
        records.append(record)
    return records


def render_csv(columns: list[Column], records: list[dict[str, Any]]) -> bytes:
    """CSV, UTF-8 with a byte-order mark (Excel opens Vietnamese correctly; pandas, CKAN's loaders and
    Python's ``utf-8-sig`` read it), header of column ids, comma, CRLF (RFC 4180); a hidden cell holds
    ``x``, an empty value nothing."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")  # the platform's one writer: no cell read as a formula
    writer.writerow([c.id for c in columns])
    for record in records:
        line = []
        for c in columns:
            value = record.get(c.id)
            if value is None and c.id in record.get(SUPPRESSED_COLUMN, "").split(";"):
                line.append(SUPPRESSED_MARK)
            else:
                line.append("" if value is None else value)
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_json(spec: Spec, month: str, columns: list[Column], records: list[dict[str, Any]]) -> bytes:
    body = {
        "bo_du_lieu": spec.name,
        "ten": spec.title,
        "thang": month,
        "giay_phep": {"id": LICENCE.ID, "ten": LICENCE.TITLE, "url": LICENCE.URL},
        "cac_cot": [{"id": c.id, "type": c.type, "label": c.label} for c in columns],
        "du_lieu": records,
    }
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


@dataclass
class Published:
    dataset: str
    month: str
    rows: int
    hidden: int
    changed: bool


def _store(name: str, content: bytes) -> None:
    """Write ``content`` under exactly ``name`` (the storage API renames on a clash: delete first)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    assert saved == name, (saved, name)


def _publish_one(spec: Spec, month: date, at: datetime) -> Published:
    period = month_period(month)
    table = spec.build(period, at)
    columns = _columns(table)
    records = _records(table)
    key = period.key
    payloads = {
        Format.CSV: render_csv(columns, records),
        Format.JSON: render_json(spec, key, columns, records),
    }
    changed = False
    with transaction.atomic():
        dataset, created = Dataset.objects.get_or_create(
            name=spec.name,
            defaults={
                "title": spec.title,
                "notes": spec.notes,
                "keywords": list(spec.keywords),
                "theme": spec.theme,
                "licence_id": LICENCE.ID,
                "issued": at,
                "modified": at,
            },
        )
        if not created:
            Dataset.objects.filter(pk=dataset.pk).update(
                title=spec.title, notes=spec.notes, keywords=list(spec.keywords), theme=spec.theme
            )
        for fmt, content in payloads.items():
            checksum = hashlib.sha256(content).hexdigest()
            name = f"{STORAGE_PREFIX}/{spec.name}/{key}/{spec.name}-{key}.{fmt.lower()}"
            fields = [{"id": c.id, "type": c.type, "label": c.label} for c in columns]
            existing = Resource.objects.filter(dataset=dataset, month=key, format=fmt).first()
            if existing and existing.checksum == checksum and default_storage.exists(name):
                continue  # idempotent: the same figures, nothing rewritten, dates kept
            _store(name, content)
            changed = True
            values = {
                "name": f"{spec.title} — tháng {period.first.month}/{period.first.year} ({fmt})",
                "media_type": MEDIA_TYPES[fmt],
                "storage_name": name,
                "byte_size": len(content),
                "checksum": checksum,
                "fields": fields,
                "row_count": len(records),
                "suppressed_cells": len(table.hidden),
                "temporal_start": period.first,
                "temporal_end": period.last,
                "modified": at,
            }
            if existing:
                Resource.objects.filter(pk=existing.pk).update(**values)
                resource = existing
            else:
                resource = Resource.objects.create(dataset=dataset, month=key, format=fmt, issued=at, **values)
            audit_record(
                actor=None,
                action="opendata.publish",
                target=resource,
                before={"checksum": existing.checksum} if existing else None,
                after={"checksum": checksum, "byte_size": len(content), "rows": len(records), "file": name},
                at=at,
            )
        if changed:
            Dataset.objects.filter(pk=dataset.pk).update(modified=at)
    return Published(spec.name, key, len(records), len(table.hidden), changed)


def opendata_publish(*, month: date | None = None, at: datetime | None = None) -> list[Published]:
    """Publish every dataset for ``month`` (default: the last complete month). Idempotent: publishing a
    month again rewrites only the files whose content changed (the checksum), and keeps their dates
    otherwise. A month not yet begun is refused. Each file written is one audit event
    (``opendata.publish``, its checksums before and after) in the transaction of its dataset.

    legal: NĐ 47/2020/NĐ-CP chương IV (open data of state agencies, published and kept up to date);
    the licence and the suppression rule: :mod:`cchc.opendata.constants`, :mod:`cchc.opendata.suppression`.
    """
    at = at or timezone.now()
    month = (month or last_complete_month(at)).replace(day=1)
    if month_period(month).start > at:
        raise OpenDataError(
            OpenDataErrorCode.FUTURE_MONTH, f"Tháng {month:%m/%Y} chưa bắt đầu: chưa có số liệu để công bố."
        )
    return [_publish_one(spec, month, at) for spec in SPECS]

"""What ``cchc opendata publish`` wrote: the datasets (CKAN packages, dcat:Dataset) and their files
(CKAN resources, dcat:Distribution), one CSV and one JSON per dataset and month. The files live in
Django's storage; the pages and the API only read these rows and those files."""

from __future__ import annotations

import uuid

from django.db import models


class Dataset(models.Model):
    name = models.SlugField("mã (tên gói CKAN)", max_length=100, unique=True)
    title = models.CharField("tên", max_length=300)
    notes = models.TextField("mô tả")
    keywords = models.JSONField("từ khóa", default=list)
    theme = models.CharField("chủ đề", max_length=200, blank=True)
    frequency = models.CharField("tần suất cập nhật", max_length=40, default="Hằng tháng")
    licence_id = models.CharField("giấy phép", max_length=40)
    issued = models.DateTimeField("công bố lần đầu")
    modified = models.DateTimeField("cập nhật lần cuối")

    class Meta:
        ordering = ["name"]
        verbose_name = "bộ dữ liệu mở"
        verbose_name_plural = "bộ dữ liệu mở"

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    month = models.CharField("tháng", max_length=7)  # YYYY-MM
    format = models.CharField("định dạng", max_length=10)
    name = models.CharField("tên", max_length=300)
    media_type = models.CharField("kiểu nội dung", max_length=100)
    storage_name = models.CharField("tệp", max_length=300)
    byte_size = models.PositiveBigIntegerField("kích thước (byte)")
    checksum = models.CharField("SHA-256", max_length=64)
    fields = models.JSONField("các cột", default=list)  # [{"id", "type", "label"}]
    row_count = models.PositiveIntegerField("số dòng")
    suppressed_cells = models.PositiveIntegerField("số ô bị ẩn", default=0)
    temporal_start = models.DateField("từ ngày")
    temporal_end = models.DateField("đến ngày")
    issued = models.DateTimeField("công bố lúc")
    modified = models.DateTimeField("cập nhật lúc")

    class Meta:
        ordering = ["dataset", "-month", "format"]
        verbose_name = "tệp dữ liệu mở"
        verbose_name_plural = "tệp dữ liệu mở"
        constraints = [models.UniqueConstraint(fields=["dataset", "month", "format"], name="opendata_resource_key")]

    def __str__(self) -> str:
        return self.name

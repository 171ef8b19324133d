"""Choices and stable error codes of the program register."""

from __future__ import annotations

from django.db import models


class Comparator(models.TextChoices):
    """How a target's value is to be met, as the text words it."""

    AT_LEAST = "gte", "≥ (tối thiểu, từ ... trở lên)"
    EQUAL = "eq", "= (đạt)"
    AT_MOST = "lte", "≤ (tối đa, không quá)"
    REDUCE_BY = "reduce_by", "giảm (so với mốc)"
    INCREASE_BY = "increase_by", "tăng (so với mốc)"


class TimelineKind(models.TextChoices):
    """Shape of an appendix task's timeline (cột Thời gian)."""

    RANGE = "range", "Trong khoảng năm"
    ONGOING_FROM = "ongoing_from", "Từ năm ... và các năm tiếp theo"
    CENTRAL_SCHEDULE = "central_schedule", "Theo tiến độ, quy định, hướng dẫn của Trung ương / Bộ"
    ROADMAP = "roadmap", "Theo lộ trình được phê duyệt"
    PHASED = "phased", "Theo giai đoạn"
    UNSPECIFIED = "unspecified", "Không ghi thời gian"


class AgencyRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    COORDINATE = "coordinate", "Thực hiện, phối hợp"
    RESPONSIBLE = "responsible", "Chịu trách nhiệm (phân công)"


class TimelineStatus(models.TextChoices):
    """Where a task stands against its timeline on a given day (not its progress: see assignments)."""

    UPCOMING = "upcoming", "Chưa đến kỳ"
    ACTIVE = "active", "Trong kỳ thực hiện"
    ENDED = "ended", "Đã hết kỳ"
    CONTINUOUS = "continuous", "Thường xuyên, không thời hạn"
    EXTERNAL = "external", "Theo lộ trình, tiến độ cấp trên"


class ImportError_(models.TextChoices):
    """Stable codes for a refused import (reach the CLI and the API)."""

    NOT_TEXT = "program.not_text", "Tệp không phải văn bản UTF-8"
    NOT_A_PROGRAM = "program.not_a_program", "Văn bản không phải chương trình cải cách hành chính"
    TRUNCATED = "program.truncated", "Văn bản bị cắt cụt hoặc thiếu phần"
    GARBLED = "program.garbled", "Cấu trúc văn bản không đọc được"

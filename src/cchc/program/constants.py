"""Choices and stable error codes of the program register."""

from __future__ import annotations

from django.db import models

from cchc.common.errors import DomainError


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


class MeasureKind(models.TextChoices):
    """What measures a target (see docs/targets.md)."""

    INDICATOR = "indicator", "Chỉ số của Bộ chỉ số 766 (tính từ hồ sơ, danh mục)"
    PLATFORM = "platform", "Số đo của nền tảng (tính từ hồ sơ)"
    MANUAL = "manual", "Số liệu do cơ quan phụ trách nhập, kèm minh chứng"


class TargetStatus(models.TextChoices):
    """Where a target stands (rule: ``cchc.program.targets.selectors.target_status``)."""

    MET = "met", "Đạt"
    ON_TRACK = "on_track", "Đúng tiến độ"
    BEHIND = "behind", "Chậm tiến độ"
    NO_DATA = "no_data", "Chưa có dữ liệu"


class TargetValueErrorCode(models.TextChoices):
    """Stable codes of a refused manual value (reach the form and any API client)."""

    NOT_PERMITTED = "program.target_value.not_permitted", "Không có quyền nhập số liệu cho chỉ tiêu này"
    NOT_MANUAL = "program.target_value.not_manual", "Chỉ tiêu được tính tự động, không nhập tay"
    INVALID_VALUE = "program.target_value.invalid_value", "Giá trị không hợp lệ"
    INVALID_PERIOD = "program.target_value.invalid_period", "Kỳ số liệu không hợp lệ"
    NO_EVIDENCE = "program.target_value.no_evidence", "Thiếu minh chứng"
    EVIDENCE_TYPE = "program.target_value.evidence_type", "Tệp minh chứng không đúng định dạng"
    EVIDENCE_TOO_LARGE = "program.target_value.evidence_too_large", "Tệp minh chứng quá lớn"
    NOTE_REQUIRED = "program.target_value.note_required", "Đính chính phải ghi lý do"
    ALREADY_CORRECTED = "program.target_value.already_corrected", "Giá trị đã được đính chính"


class TargetValueError(DomainError[TargetValueErrorCode]):
    """A refused manual value: a stable ``code`` and a Vietnamese ``message``; nothing was saved.
    ``field`` names the value's part the message is about (``period``, ``value``, ``evidence``, ``note``)."""

    codes = TargetValueErrorCode
    statuses = {
        TargetValueErrorCode.NOT_PERMITTED: 403,
        TargetValueErrorCode.NOT_MANUAL: 409,
        TargetValueErrorCode.INVALID_VALUE: 400,
        TargetValueErrorCode.INVALID_PERIOD: 400,
        TargetValueErrorCode.NO_EVIDENCE: 400,
        TargetValueErrorCode.EVIDENCE_TYPE: 415,
        TargetValueErrorCode.EVIDENCE_TOO_LARGE: 413,
        TargetValueErrorCode.NOTE_REQUIRED: 400,
        TargetValueErrorCode.ALREADY_CORRECTED: 409,
    }

    def __init__(self, code: TargetValueErrorCode, message: str, *, field: str = "") -> None:
        super().__init__(code, message)
        self.field = field

"""Choices and stable error codes of the indicator engine (QĐ 766/QĐ-TTg real-time service index)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError

NO_DATA = "Chưa có dữ liệu"


class Group(models.TextChoices):
    """The six groups of the index as deployed on dichvucong.gov.vn (domain-vn §1.3), 100 points in all."""

    PUBLICITY = "publicity", "Công khai, minh bạch"
    PROGRESS = "progress", "Tiến độ, kết quả giải quyết"
    ONLINE = "online", "Dịch vụ công trực tuyến"
    DIGITISATION = "digitisation", "Số hóa hồ sơ"
    SATISFACTION = "satisfaction", "Mức độ hài lòng"
    PAYMENT = "payment", "Thanh toán trực tuyến"


GROUP_MAX_POINTS: dict[Group, int] = {
    Group.PUBLICITY: 18,
    Group.PROGRESS: 20,
    Group.ONLINE: 12,
    Group.DIGITISATION: 22,
    Group.SATISFACTION: 18,
    Group.PAYMENT: 10,
}


class Source(models.TextChoices):
    """Where the figures of an indicator come from."""

    DOSSIERS = "dossiers", "Tính từ dữ liệu hồ sơ trên hệ thống"
    CATALOGUE = "catalogue", "Tính từ danh mục thủ tục hành chính"
    CATALOGUE_DOSSIERS = "catalogue_dossiers", "Tính từ danh mục thủ tục và dữ liệu hồ sơ"
    EVENTS = "events", "Từ sự kiện được ghi nhận"
    FEEDBACK = "feedback", "Tính từ phản ánh, kiến nghị tiếp nhận trên hệ thống"
    NONE = "none", "Chưa có dữ liệu"


class Status(models.TextChoices):
    """What one computed figure is."""

    COMPUTED = "computed", "Đã tính"
    EMPTY = "empty", "Không có đối tượng trong kỳ"
    NO_DATA = "no_data", NO_DATA
    NOT_APPLICABLE = "not_applicable", "Không áp dụng cấp xã (tính điểm tối đa)"
    DISPLAY = "display", "Chỉ hiển thị, không tính điểm"


class Structure(models.TextChoices):
    """Which organisation the figures are attributed to across the 2025 reorganisation."""

    CURRENT = "current", "Theo tổ chức hiện nay (đơn vị cũ gộp vào đơn vị kế thừa)"
    HISTORICAL = "historical", "Theo tổ chức tại thời điểm giải quyết"


class Method(models.TextChoices):
    """How dossier figures are read: from the rollups (default, fast) or straight from the dossier table."""

    ROLLUP = "rollup", "Từ số liệu tổng hợp"
    DIRECT = "direct", "Tính trực tiếp từ bảng hồ sơ"


class Part(models.TextChoices):
    NUMERATOR = "numerator", "Tử số"
    DENOMINATOR = "denominator", "Mẫu số"


class IndicatorErrorCode(StrEnum):
    """Stable error codes that reach API clients and command output."""

    INVALID_PERIOD = "indicator.invalid_period"
    UNKNOWN_INDICATOR = "indicator.unknown"
    UNKNOWN_SCOPE = "indicator.unknown_scope"
    INVALID_PART = "indicator.invalid_part"
    NOT_DOSSIER_BASED = "indicator.not_dossier_based"
    NO_DATA = "indicator.no_data"


class IndicatorError(DomainError[IndicatorErrorCode]):
    """A refused indicator request: a stable ``code`` and a Vietnamese ``message``."""

    codes = IndicatorErrorCode
    statuses = {
        IndicatorErrorCode.INVALID_PERIOD: 400,
        IndicatorErrorCode.UNKNOWN_INDICATOR: 400,
        IndicatorErrorCode.UNKNOWN_SCOPE: 400,
        IndicatorErrorCode.INVALID_PART: 400,
        IndicatorErrorCode.NOT_DOSSIER_BASED: 400,
        IndicatorErrorCode.NO_DATA: 400,
    }
    default_status = 400

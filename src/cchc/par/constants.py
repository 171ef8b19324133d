"""Choices and stable error codes of the PAR Index (Chỉ số cải cách hành chính)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class Audience(models.TextChoices):
    """Who an index set assesses."""

    PROVINCE = "province", "Cấp tỉnh (Bộ Nội vụ đánh giá)"
    DEPARTMENT = "department", "Sở, ban, ngành thuộc tỉnh (chỉ số nội bộ của tỉnh)"
    COMMUNE = "commune", "UBND cấp xã (chỉ số nội bộ của tỉnh)"


# The registry group (cchc.org AgencyGroup.code) whose members a round of each internal audience assesses.
AUDIENCE_GROUP: dict[str, str] = {
    Audience.DEPARTMENT: "so-ban-nganh",
    Audience.COMMUNE: "ubnd-cap-xa",
}
# The province audience assesses the provincial People's Committee (code in the registry).
PROVINCE_AGENCY_CODE = "ubnd-56"
# legal: the Department of Home Affairs runs the provincial PAR self-assessment and its appraisal
# (QĐ 4831/QĐ-UBND, mục V; the province's Quy chế QĐ 4044/QĐ-UBND ngày 08/11/2021).
APPRAISER_CODE = "so-noi-vu"


class NodeKind(models.TextChoices):
    """Level of a node of the criteria tree."""

    FIELD = "field", "Lĩnh vực"
    CRITERION = "criterion", "Tiêu chí"
    SUB_CRITERION = "sub_criterion", "Tiêu chí thành phần"


class Method(models.TextChoices):
    """How a leaf of the tree gets its points."""

    SELF = "self", "Tự đánh giá (có tài liệu kiểm chứng)"
    SURVEY = "survey", "Điều tra xã hội học"
    COMPUTED = "computed", "Tính từ dữ liệu hệ thống (chỉ số)"


class Grade(models.TextChoices):
    """Xếp loại of an agency by its index (percent of the maximum)."""

    EXCELLENT = "tot", "Tốt"
    GOOD = "kha", "Khá"
    AVERAGE = "trung_binh", "Trung bình"
    WEAK = "yeu", "Yếu"


class RoundStatus(models.TextChoices):
    """Đợt đánh giá: agencies self-score while open; then Sở Nội vụ appraises; then results are final."""

    OPEN = "open", "Đang tự đánh giá"
    APPRAISAL = "appraisal", "Đang thẩm định"
    FINALISED = "finalised", "Đã công bố kết quả"


class AssessmentStatus(models.TextChoices):
    """One agency's assessment in a round."""

    DRAFT = "draft", "Đang tự chấm điểm"
    SUBMITTED = "submitted", "Đã nộp, chờ thẩm định"
    FINALISED = "finalised", "Đã thẩm định xong"


class ParErrorCode(StrEnum):
    INVALID_FILE = "par.invalid_file"
    POINTS_MISMATCH = "par.points_mismatch"
    INDEX_SET_IN_USE = "par.index_set_in_use"
    INVALID_INPUT = "par.invalid_input"
    SCORE_OUT_OF_RANGE = "par.score_out_of_range"
    NOT_A_LEAF = "par.not_a_leaf"
    WRONG_METHOD = "par.wrong_method"
    ROUND_CLOSED = "par.round_closed"
    ROUND_STATUS = "par.round_status"
    ASSESSMENT_STATUS = "par.assessment_status"
    INCOMPLETE = "par.incomplete"
    REASON_REQUIRED = "par.reason_required"
    NOT_PERMITTED = "par.not_permitted"
    UPLOAD_TYPE_NOT_ALLOWED = "par.upload_type_not_allowed"
    UPLOAD_TOO_LARGE = "par.upload_too_large"
    NO_AGENCIES = "par.no_agencies"
    ROUND_EXISTS = "par.round_exists"


class ParError(DomainError[ParErrorCode]):
    """A refused PAR Index operation: a stable ``code`` and a Vietnamese ``message``; nothing was changed."""

    codes = ParErrorCode
    statuses = {
        ParErrorCode.INVALID_FILE: 400,
        ParErrorCode.POINTS_MISMATCH: 400,
        ParErrorCode.INDEX_SET_IN_USE: 409,
        ParErrorCode.INVALID_INPUT: 400,
        ParErrorCode.SCORE_OUT_OF_RANGE: 400,
        ParErrorCode.NOT_A_LEAF: 409,
        ParErrorCode.WRONG_METHOD: 409,
        ParErrorCode.ROUND_CLOSED: 409,
        ParErrorCode.ROUND_STATUS: 409,
        ParErrorCode.ASSESSMENT_STATUS: 409,
        ParErrorCode.INCOMPLETE: 409,
        ParErrorCode.REASON_REQUIRED: 400,
        ParErrorCode.NOT_PERMITTED: 403,
        ParErrorCode.UPLOAD_TYPE_NOT_ALLOWED: 415,
        ParErrorCode.UPLOAD_TOO_LARGE: 413,
        ParErrorCode.NO_AGENCIES: 409,
        ParErrorCode.ROUND_EXISTS: 409,
    }
    default_status = 409

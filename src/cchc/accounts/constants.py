"""Roles of staff at an agency and the accounts app's error codes."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class Role(models.TextChoices):
    """Vai trò của cán bộ tại một cơ quan (one-stop-shop duties under Nghị định 118/2025/NĐ-CP)."""

    RECEPTION = "reception", "Tiếp nhận tại bộ phận một cửa"
    SPECIALIST = "specialist", "Chuyên viên xử lý"
    LEADER = "leader", "Lãnh đạo phê duyệt"
    CLERK = "clerk", "Văn thư trả kết quả"
    ADMIN = "admin", "Quản trị"


class Area(models.TextChoices):
    """Lĩnh vực công tác của một phân công: what a membership is for.

    Each area checks only memberships of its own area, so an account created for one duty (for
    example a commune specialist who self-assesses the PAR Index) cannot act in another (stop a
    one-stop-shop dossier). The one-stop-shop roles follow Nghị định 118/2025/NĐ-CP (Điều 8-10);
    the other areas are the province's administrative-reform duties under Nghị quyết 76/NQ-CP and
    Quyết định 766/QĐ-TTg (PAR Index, plans, reports), Nghị định 20/2008/NĐ-CP (feedback) and the
    satisfaction surveys (SIPAS).
    """

    ONE_STOP = "one_stop", "Một cửa — giải quyết thủ tục hành chính"
    PAR = "par", "Chỉ số cải cách hành chính (PAR Index)"
    PLANS = "plans", "Chương trình, kế hoạch cải cách hành chính"
    REPORTS = "reports", "Báo cáo cải cách hành chính"
    FEEDBACK = "feedback", "Phản ánh, kiến nghị"
    SURVEYS = "surveys", "Khảo sát sự hài lòng"


class AccountsErrorCode(StrEnum):
    """Stable error codes of a refused membership change."""

    MEMBERSHIP_OVERLAP = "membership_overlap"
    AGENCY_NOT_VALID = "agency_not_valid"
    INVALID_PERIOD = "invalid_period"
    MEMBERSHIP_ENDED = "membership_ended"


MEMBERSHIP_OVERLAP = AccountsErrorCode.MEMBERSHIP_OVERLAP
AGENCY_NOT_VALID = AccountsErrorCode.AGENCY_NOT_VALID
INVALID_PERIOD = AccountsErrorCode.INVALID_PERIOD
MEMBERSHIP_ENDED = AccountsErrorCode.MEMBERSHIP_ENDED


class AccountsError(DomainError[AccountsErrorCode]):
    """A refused membership change, with a stable ``code`` and a Vietnamese message."""

    codes = AccountsErrorCode
    statuses = {
        AccountsErrorCode.MEMBERSHIP_OVERLAP: 409,
        AccountsErrorCode.AGENCY_NOT_VALID: 400,
        AccountsErrorCode.INVALID_PERIOD: 400,
        AccountsErrorCode.MEMBERSHIP_ENDED: 409,
    }

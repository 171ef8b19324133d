"""Roles of staff at an agency and the accounts app's error codes."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """Vai trò của cán bộ tại một cơ quan (one-stop-shop duties under Nghị định 118/2025/NĐ-CP)."""

    RECEPTION = "reception", "Tiếp nhận tại bộ phận một cửa"
    SPECIALIST = "specialist", "Chuyên viên xử lý"
    LEADER = "leader", "Lãnh đạo phê duyệt"
    CLERK = "clerk", "Văn thư trả kết quả"
    ADMIN = "admin", "Quản trị"


class AccountsError(Exception):
    """A refused membership change, with a stable ``code`` and a Vietnamese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


MEMBERSHIP_OVERLAP = "membership_overlap"
AGENCY_NOT_VALID = "agency_not_valid"
INVALID_PERIOD = "invalid_period"
MEMBERSHIP_ENDED = "membership_ended"

"""Error codes and choices of the data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

legal: Nghị định 45/2020/NĐ-CP Điều 25 (kho quản lý dữ liệu điện tử của tổ chức, cá nhân: the results
of administrative procedures and the digitised components are kept there and reused); Thông tư
01/2023/TT-VPCP Điều 4-5 (digitisation at reception: copy, extract, issue a code, store) and Điều 24
(the store's use: a component already digitised and still valid is not asked for again).
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class OwnerKind(models.TextChoices):
    """Who a stored document concerns."""

    CITIZEN = "citizen", "Công dân (số định danh cá nhân)"
    ORGANISATION = "organisation", "Tổ chức (mã số thuế)"


class StoredSource(models.TextChoices):
    """How a document reached the data store."""

    DIGITISED = "digitised", "Số hóa khi tiếp nhận tại quầy"
    RESULT = "result", "Kết quả giải quyết điện tử"
    UPLOADED = "uploaded", "Tệp nộp trực tuyến đã được tiếp nhận"


class RecordsErrorCode(StrEnum):
    INVALID_OWNER = "records.invalid_owner"
    INVALID_INPUT = "records.invalid_input"
    NOT_FOUND = "records.not_found"
    NOT_USABLE = "records.not_usable"
    OTHER_OWNER = "records.other_owner"
    NOT_DELETABLE = "records.not_deletable"
    FORBIDDEN = "records.forbidden"


class RecordsError(DomainError[RecordsErrorCode]):
    """A refusal of the data store: a stable ``code``, a Vietnamese message; nothing written."""

    codes = RecordsErrorCode
    statuses = {
        RecordsErrorCode.INVALID_OWNER: 400,
        RecordsErrorCode.INVALID_INPUT: 400,
        RecordsErrorCode.NOT_FOUND: 404,
        RecordsErrorCode.NOT_USABLE: 409,
        RecordsErrorCode.OTHER_OWNER: 403,
        RecordsErrorCode.NOT_DELETABLE: 409,
        RecordsErrorCode.FORBIDDEN: 403,
    }

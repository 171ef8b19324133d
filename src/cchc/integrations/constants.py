"""Partners, outcomes and stable error codes of the connections to the national systems."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class Partner(models.TextChoices):
    """A national system the platform talks to (settings: ``CCHC_PARTNERS[partner]``)."""

    DVCQG = "dvcqg", "Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ)"
    CSDL_TTHC = "csdl_tthc", "Cơ sở dữ liệu quốc gia về TTHC"
    PAKN = "pakn", "Hệ thống tiếp nhận, trả lời phản ánh, kiến nghị quốc gia"


class Outcome(models.TextChoices):
    """How one call ended."""

    OK = "ok", "Thành công"
    REJECTED = "rejected", "Bị từ chối (dữ liệu không hợp lệ)"
    ERROR = "error", "Lỗi kết nối hoặc lỗi hệ thống đối tác"


class IntegrationErrorCode(StrEnum):
    NOT_CONFIGURED = "integration.not_configured"
    UNREACHABLE = "integration.unreachable"  # down, refused, timeout, TLS failure
    PARTNER_ERROR = "integration.partner_error"  # 5xx, or an answer that is not the protocol's
    REJECTED = "integration.rejected"  # the partner refused the payload (error_code != 0)
    AUTH_FAILED = "integration.auth_failed"
    BAD_INPUT = "integration.bad_input"  # a file or a command argument we refuse


class IntegrationError(DomainError[IntegrationErrorCode]):
    """A call to a partner that did not succeed, or input refused before any call. ``retryable``:
    worth trying again later (down, 5xx, timeout, malformed answer); a rejection is not, until the
    data changes."""

    codes = IntegrationErrorCode
    statuses = {
        IntegrationErrorCode.NOT_CONFIGURED: 503,
        IntegrationErrorCode.UNREACHABLE: 502,
        IntegrationErrorCode.PARTNER_ERROR: 502,
        IntegrationErrorCode.REJECTED: 422,
        IntegrationErrorCode.AUTH_FAILED: 502,
        IntegrationErrorCode.BAD_INPUT: 400,
    }

    @property
    def retryable(self) -> bool:
        return self.code in (IntegrationErrorCode.UNREACHABLE, IntegrationErrorCode.PARTNER_ERROR)

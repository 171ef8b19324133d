"""Stable codes and Vietnamese messages of the second factor."""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError


class OtpErrorCode(StrEnum):
    INVALID = "accounts.otp_invalid"
    REQUIRED = "accounts.otp_required"
    ENROL_REQUIRED = "accounts.otp_enrol_required"
    LOCKED = "accounts.otp_locked"
    SESSION_EXPIRED = "accounts.session_expired"


class OtpError(DomainError[OtpErrorCode]):
    codes = OtpErrorCode
    statuses = {
        OtpErrorCode.INVALID: 400,
        OtpErrorCode.REQUIRED: 403,
        OtpErrorCode.ENROL_REQUIRED: 403,
        OtpErrorCode.LOCKED: 429,
        OtpErrorCode.SESSION_EXPIRED: 401,
    }


MSG_INVALID = "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiển thị trên ứng dụng xác thực."
MSG_THROTTLED = "Mã vừa nhập sai: vui lòng đợi vài giây rồi nhập mã mới đang hiển thị trên ứng dụng xác thực."
MSG_REQUIRED = "Vai trò của Ông/Bà cần xác thực hai yếu tố: nhập mã từ ứng dụng xác thực để tiếp tục."
MSG_ENROL_REQUIRED = "Vai trò của Ông/Bà cần xác thực hai yếu tố: đăng ký ứng dụng xác thực trước khi tiếp tục."
MSG_EXPIRED = "Phiên làm việc đã hết hạn vì không hoạt động quá {minutes} phút. Vui lòng đăng nhập lại."

RECOVERY_CODES = 10  # recovery codes per enrolment

"""Stable codes and Vietnamese messages of the electronic identity sign-in."""

from __future__ import annotations

from django.db import models

from cchc.common.errors import DomainError

SESSION_KEY = "cchc_citizen"  # the signed-in citizen account's id (never the staff user's session key)
SIGN_IN_ACTION = "identity.sign_in"
REFUSED_ACTION = "identity.sign_in_refused"


class Outcome(models.TextChoices):
    """The result of one sign-in attempt; every refusal leaves nobody signed in."""

    SIGNED_IN = "signed_in", "Đăng nhập thành công"
    PROVIDER_ERROR = "provider_error", "Hệ thống định danh trả về lỗi hoặc người dùng hủy"
    STATE_INVALID = "state_invalid", "Tham số state không hợp lệ hoặc đã dùng"
    PROVIDER_UNAVAILABLE = "provider_unavailable", "Hệ thống định danh không phản hồi"
    TOKEN_REJECTED = "token_rejected", "Hệ thống định danh không cấp mã thông báo"
    SIGNATURE_INVALID = "signature_invalid", "Chữ ký ID token không hợp lệ"
    TOKEN_EXPIRED = "token_expired", "ID token đã hết hạn"
    NONCE_MISMATCH = "nonce_mismatch", "Nonce không khớp"
    TOKEN_INVALID = "token_invalid", "ID token không hợp lệ (issuer, audience, thiếu trường)"
    CLAIMS_INVALID = "claims_invalid", "Thông tin định danh thiếu hoặc sai định dạng"


MESSAGES: dict[str, str] = {
    Outcome.PROVIDER_ERROR: "Bạn đã hủy đăng nhập hoặc hệ thống định danh điện tử từ chối yêu cầu. "
    "Bạn chưa được đăng nhập.",
    Outcome.STATE_INVALID: "Phiên đăng nhập không hợp lệ hoặc đã được sử dụng (có thể do mở lại một liên kết cũ). "
    "Vì lý do an toàn, bạn chưa được đăng nhập. Vui lòng đăng nhập lại.",
    Outcome.PROVIDER_UNAVAILABLE: "Hệ thống định danh điện tử tạm thời không phản hồi. Vui lòng thử lại sau ít phút; "
    "bạn vẫn có thể nộp hồ sơ trực tuyến mà không cần đăng nhập.",
    Outcome.TOKEN_REJECTED: "Hệ thống định danh điện tử không xác nhận được lượt đăng nhập này. "
    "Bạn chưa được đăng nhập. Vui lòng đăng nhập lại.",
    Outcome.SIGNATURE_INVALID: "Chữ ký số của thông tin định danh không hợp lệ (không phải do hệ thống định danh "
    "điện tử phát hành). Vì lý do an toàn, bạn chưa được đăng nhập.",
    Outcome.TOKEN_EXPIRED: "Thông tin định danh đã hết hạn. Bạn chưa được đăng nhập. Vui lòng đăng nhập lại.",
    Outcome.NONCE_MISMATCH: "Thông tin định danh không khớp với yêu cầu đăng nhập của trình duyệt này. "
    "Vì lý do an toàn, bạn chưa được đăng nhập.",
    Outcome.TOKEN_INVALID: "Thông tin định danh không hợp lệ (không dành cho cổng dịch vụ công này hoặc thiếu "
    "thông tin bắt buộc). Bạn chưa được đăng nhập.",
    Outcome.CLAIMS_INVALID: "Tài khoản định danh điện tử không cung cấp đủ thông tin hợp lệ (số định danh cá nhân "
    "12 chữ số, họ và tên, ngày sinh, mức độ định danh). Bạn chưa được đăng nhập.",
}


class SignInRefused(DomainError[Outcome]):
    """A sign-in attempt refused with a stable code (:class:`Outcome`) and its Vietnamese message; ``detail``
    (what the provider or the token said) goes to the attempt log, never to the page."""

    codes = Outcome
    # the provider being down is not this request's fault (503 by its nature), but no page of the platform
    # answers 5xx (the project's rule, checked by the hostile-parameter crawl): that page is rendered with 200
    statuses = {**{o: 400 for o in Outcome}, Outcome.PROVIDER_UNAVAILABLE: 503}

    def __init__(self, outcome: Outcome, detail: str = "") -> None:
        shown = 200 if outcome == Outcome.PROVIDER_UNAVAILABLE else None
        super().__init__(outcome, MESSAGES.get(outcome, outcome.label), http_status=shown)
        self.outcome = outcome
        self.detail = detail[:500]

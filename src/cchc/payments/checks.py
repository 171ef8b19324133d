"""System check: a warning on every command when DEBUG is off and the merchant secret is the development
one (anyone could then sign an IPN and mark a dossier paid). A warning, as ``cchc.W001``: an error would
stop the processes that tests and benchmarks start with DEBUG off on the development settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning

DEV_HASH_SECRET = "cchc-mo-phong-vnpay-secret"  # noqa: S105  (config/settings.py's development default)


def development_secret_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    config: dict[str, Any] = settings.CCHC_PAYMENTS
    secret = str(config.get("vnpay", {}).get("hash_secret", ""))
    if settings.DEBUG or (secret and secret != DEV_HASH_SECRET):
        return []
    return [
        CheckWarning(
            "Cổng thanh toán VNPay đang dùng khóa bí mật phát triển (hoặc không có khóa) khi DEBUG tắt: "
            "ai cũng có thể giả mạo thông báo thanh toán (IPN).",
            hint="Đặt CCHC_VNPAY_HASH_SECRET (và CCHC_VNPAY_TMN_CODE) bằng giá trị VNPay cấp.",
            id="cchc.payments.W001",
        )
    ]

"""Payment gateways, by name (``settings.CCHC_PAYMENTS["gateway"]``): see :mod:`.base` for the interface."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from cchc.payments.gateways.base import PaymentGateway


def gateway(name: str | None = None) -> PaymentGateway:
    """The configured gateway (or the one named): built from ``settings.CCHC_PAYMENTS``."""
    config: dict[str, Any] = settings.CCHC_PAYMENTS
    name = name or str(config["gateway"])
    if name == "vnpay":
        from cchc.payments.gateways.vnpay import VNPayGateway

        return VNPayGateway(**config["vnpay"])
    raise LookupError(f"Cổng thanh toán «{name}» chưa được hỗ trợ.")


__all__ = ["PaymentGateway", "gateway"]

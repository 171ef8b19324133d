"""Failing on command (the simulator pattern of the project): POST /_control with JSON
``{"mode": "forge" | "expire" | "nonce" | "down" | "", "times": N}`` applies the fault to the next N
responses concerned (0 or absent: until changed). ``forge`` signs the next ID token with another RSA key
under the real key's identifier; ``expire`` issues it already expired; ``nonce`` puts another nonce in it;
``down`` answers 503 on every protocol endpoint (/o/…). GET /_control shows the state.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

MODES = ("", "forge", "expire", "nonce", "down")
_lock = threading.Lock()
_state: dict[str, Any] = {"mode": "", "times": 0}


def state() -> dict[str, Any]:
    with _lock:
        return dict(_state)


def take(mode: str) -> bool:
    """Whether the fault ``mode`` applies to this response (and count it)."""
    with _lock:
        if _state["mode"] != mode:
            return False
        if _state["times"]:
            _state["times"] -= 1
            if _state["times"] == 0:
                _state["mode"] = ""
        return True


@csrf_exempt  # a test harness' endpoint, not a browser form
def control(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            data = json.loads(request.body or b"{}")
            mode = str(data.get("mode") or "")
            times = int(data.get("times") or 0)
        except (ValueError, TypeError, AttributeError):
            return JsonResponse({"error": "Dữ liệu điều khiển không hợp lệ."}, status=400)
        if mode not in MODES or times < 0:
            return JsonResponse({"error": f"Chế độ không hợp lệ; chọn một trong {MODES}."}, status=400)
        with _lock:
            _state.update(mode=mode, times=times)
    return JsonResponse(state())


class FaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/o/") and take("down"):
            return HttpResponse("Dịch vụ định danh tạm ngừng (mô phỏng).", status=503, content_type="text/plain")
        return self.get_response(request)

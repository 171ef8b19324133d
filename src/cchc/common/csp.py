"""Content-Security-Policy on every HTML page (issue 12 item 10).

The policy (``CCHC_CSP``) lets the pages run only the scripts and style sheets served by the platform
itself: no inline ``<script>``, no ``on…=`` handlers, no ``hx-on`` attributes, no injected ``<style>``
elements (htmx's indicator styles are turned off by the ``htmx-config`` meta of ``base.html`` and live in
``cchc.css``). Style *attributes* stay allowed (``style-src-attr 'unsafe-inline'``): the progress bars
set their width in the markup and ECharts' tooltips are built with them; they cannot run code.
The policy is in the settings (``CCHC_CSP``, env ``CCHC_CSP`` to change it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` to every HTML response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CCHC_CSP", "")
        if (
            policy
            and "Content-Security-Policy" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response["Content-Security-Policy"] = policy
        return response

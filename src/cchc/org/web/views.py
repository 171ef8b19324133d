"""Public agency list: accent-insensitive search, grouped by level, current vs historical.

The agency page itself (/co-quan/<id>/) shows the program tasks of an agency, so it lives in
``cchc.program.web`` (org must not import the program layer).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.org.web.selectors import HISTORICAL, VALID_NOW, agency_directory, agency_sections_by_level

VALIDITY_CHOICES = [("", "Tất cả"), (VALID_NOW, "Đang hoạt động"), (HISTORICAL, "Đã thay đổi (lịch sử)")]


def agency_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    text = request.GET.get("q", "").strip()[:200]
    validity = request.GET.get("hieu_luc", "")
    if validity not in dict(VALIDITY_CHOICES):
        validity = ""
    agencies = list(agency_directory(on=today, text=text, validity=validity))
    return render(
        request,
        "org/agency_list.html",
        {
            "q": text,
            "validity": validity,
            "validity_choices": VALIDITY_CHOICES,
            "sections": agency_sections_by_level(agencies=agencies, on=today),
            "count": len(agencies),
            "today": today,
        },
    )

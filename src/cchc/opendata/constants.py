"""Open data (issue 17 item 7): the licence, the suppression threshold, the error codes.

legal: Nghị định 47/2020/NĐ-CP (quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước), chương IV
«Dữ liệu mở của cơ quan nhà nước»: open data is published free of charge and may be freely copied, shared
and used by anyone, who must cite its source (as we read its Điều 17-20); Luật Dữ liệu số 60/2024/QH15
(in force 01/7/2025) keeps open data of state agencies free to use. CC BY 4.0 says exactly that (reuse for
any purpose, attribution required) in an internationally known licence that the harvesting portals
(CKAN's licence list, data.europa.eu) recognise by its id, so each dataset carries it. Where the texts
are uncertain (the decree names no licence): CC BY 4.0 is our choice; change :data:`LICENCE` to publish
under another (e.g. a national open-data licence when one is issued).
"""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError


class Licence:
    ID = "cc-by-4.0"  # CKAN's licence id
    TITLE = "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)"
    URL = "https://creativecommons.org/licenses/by/4.0/deed.vi"
    ATTRIBUTION = "Nguồn: Ủy ban nhân dân tỉnh {province} — Cổng dữ liệu mở cải cách hành chính."


LICENCE = Licence

# Statistical disclosure control (docs/open-data.md § "Ẩn số nhỏ"): a count of people (dossiers, feedback)
# from 1 to THRESHOLD - 1 is not published; 0 is (it identifies nobody).
THRESHOLD = 5
# What a suppressed cell holds in a CSV file (JSON and the datastore API: null, and the column listed in
# ``o_bi_an``): "x", as the statistics offices mark confidential cells.
SUPPRESSED_MARK = "x"
SUPPRESSED_COLUMN = "o_bi_an"

MONTH_FORMAT = "%Y-%m"


class Format(StrEnum):
    CSV = "CSV"
    JSON = "JSON"


MEDIA_TYPES = {Format.CSV: "text/csv", Format.JSON: "application/json"}


class OpenDataErrorCode(StrEnum):
    INVALID_MONTH = "opendata.invalid_month"
    FUTURE_MONTH = "opendata.future_month"
    NOT_FOUND = "opendata.not_found"
    INVALID_PARAMETER = "opendata.invalid_parameter"  # an API parameter (CKAN's "Validation Error", 409)


class OpenDataError(DomainError[OpenDataErrorCode]):
    """A refused publication or read: nothing was written."""

    codes = OpenDataErrorCode
    statuses = {
        OpenDataErrorCode.INVALID_MONTH: 400,
        OpenDataErrorCode.FUTURE_MONTH: 400,
        OpenDataErrorCode.NOT_FOUND: 404,
        OpenDataErrorCode.INVALID_PARAMETER: 409,
    }

    def __init__(self, code: OpenDataErrorCode, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(code, message)
        self.errors = errors or {}  # parameter -> messages, as CKAN lists them in a Validation Error

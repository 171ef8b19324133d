"""Choices of the agency registry."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class Level(models.TextChoices):
    """Government level (cấp chính quyền). The district level ended on 1/7/2025."""

    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"


class UnitKind(models.TextChoices):
    """Kind of administrative unit (loại đơn vị hành chính)."""

    PROVINCE = "tinh", "Tỉnh"
    CITY_CENTRAL = "thanh_pho_tw", "Thành phố trực thuộc Trung ương"
    CITY = "thanh_pho", "Thành phố"
    TOWN = "thi_xa", "Thị xã"
    DISTRICT = "huyen", "Huyện"
    URBAN_DISTRICT = "quan", "Quận"
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"


class AgencyKind(models.TextChoices):
    """Kind of agency; collective references in programs resolve through these."""

    PEOPLES_COMMITTEE = "ubnd", "Ủy ban nhân dân"
    COMMITTEE_OFFICE = "van_phong_ubnd", "Văn phòng Ủy ban nhân dân"
    DEPARTMENT = "so", "Sở và cơ quan ngang sở"
    BOARD = "ban", "Ban thuộc Ủy ban nhân dân tỉnh"
    CENTRAL_BRANCH = "nganh_doc", "Cơ quan ngành dọc"
    SERVICE_CENTRE = "trung_tam_hcc", "Trung tâm phục vụ hành chính công"
    PUBLIC_SERVICE_UNIT = "su_nghiep", "Đơn vị sự nghiệp công lập"
    POLITICAL_SOCIAL = "chinh_tri_xa_hoi", "Tổ chức Đảng, Mặt trận, chính trị - xã hội"
    OTHER = "khac", "Tổ chức khác"


class SuccessionKind(models.TextChoices):
    """How one unit or agency gave way to another (sáp nhập, chia tách, đổi tên, giải thể)."""

    MERGE = "merge", "Sáp nhập, hợp nhất"
    SPLIT = "split", "Chia tách (một phần)"
    RENAME = "rename", "Đổi tên"
    ABOLISH = "abolish", "Giải thể, kết thúc hoạt động"
    TRANSFER = "transfer", "Chuyển giao chức năng, nhiệm vụ"


class Confidence(models.TextChoices):
    """How sure the registry is of a record; unconfirmed ones are flagged for review in the admin."""

    CONFIRMED = "confirmed", "Đã xác nhận từ văn bản"
    SECONDARY = "secondary", "Theo nguồn thứ cấp, cần đối chiếu"
    UNCONFIRMED = "unconfirmed", "Chưa xác nhận, cần rà soát"


class RegisterErrorCode(StrEnum):
    """Stable error codes of the register of outgoing documents (sổ đăng ký văn bản đi)."""

    SIGNER_REQUIRED = "register.signer_required"
    NUMBER_INVALID = "register.number_invalid"
    NUMBER_TAKEN = "register.number_taken"
    SUBJECT_REQUIRED = "register.subject_required"


class RegisterError(DomainError[RegisterErrorCode]):
    """A refused registration: a stable ``code`` and a Vietnamese ``message``; nothing was written."""

    codes = RegisterErrorCode
    statuses = {
        RegisterErrorCode.SIGNER_REQUIRED: 409,
        RegisterErrorCode.NUMBER_INVALID: 400,
        RegisterErrorCode.NUMBER_TAKEN: 409,
        RegisterErrorCode.SUBJECT_REQUIRED: 400,
    }
    default_status = 409


class IdentifierErrorCode(StrEnum):
    """Stable error codes of the agency electronic identifiers (mã định danh điện tử) and their import."""

    FORMAT = "identifier.format"  # not V1V2V3.Z1Z2.Y1Y2.MX1X2
    UNKNOWN_AGENCY = "identifier.unknown_agency"
    BAD_DATE = "identifier.bad_date"
    VALIDITY_ORDER = "identifier.validity_order"  # valid_to not after valid_from
    OVERLAP = "identifier.overlap"  # two periods of one agency overlap
    TAKEN = "identifier.taken"  # the identifier is another agency's in an overlapping period
    DECISION_REQUIRED = "identifier.decision_required"
    FILE = "identifier.file"  # unreadable file, missing columns, no rows


class IdentifierError(DomainError[IdentifierErrorCode]):
    """A refused identifier or identifier file: a stable ``code``, a Vietnamese ``message`` (for a file,
    one line per bad row, ``dòng N: …``); nothing was written."""

    codes = IdentifierErrorCode
    statuses = {
        IdentifierErrorCode.FORMAT: 400,
        IdentifierErrorCode.UNKNOWN_AGENCY: 400,
        IdentifierErrorCode.BAD_DATE: 400,
        IdentifierErrorCode.VALIDITY_ORDER: 400,
        IdentifierErrorCode.OVERLAP: 409,
        IdentifierErrorCode.TAKEN: 409,
        IdentifierErrorCode.DECISION_REQUIRED: 400,
        IdentifierErrorCode.FILE: 400,
    }


class UnitsDataErrorCode(StrEnum):
    """Stable error codes of the province units read from the packages and the overlay (cchc.org.units_data)."""

    UNKNOWN_PROVINCE = "units.unknown_province"  # not one of the 34 codes in force since 1/7/2025
    PACKAGES_DISAGREE = "units.packages_disagree"  # vietnam-provinces and vietnamadminunits list different units
    DISAGREE = "units.disagree"  # the overlay and the packages disagree on a unit, and the overlay does not say why


class UnitsDataError(DomainError[UnitsDataErrorCode]):
    """A province whose units cannot be read consistently: a stable ``code``, a Vietnamese ``message``
    naming every unit concerned; nothing was returned or loaded."""

    codes = UnitsDataErrorCode
    statuses = {
        UnitsDataErrorCode.UNKNOWN_PROVINCE: 404,
        UnitsDataErrorCode.PACKAGES_DISAGREE: 409,
        UnitsDataErrorCode.DISAGREE: 409,
    }

"""Choices and stable error codes of the procedure catalogue (danh mục thủ tục hành chính)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from django.db import models

# legal: a working day is 8 working hours (07:00-11:30 and 13:30-17:00 by default); the statutory time
# of a procedure in working days converts to hours with this factor when step durations are checked.
WORKING_HOURS_PER_DAY = Decimal(8)

# A national procedure code (mã TTHC) as published on the Cổng Dịch vụ công quốc gia, e.g. ``1.001193``,
# optionally with a province suffix, e.g. ``1.000948.H38``. Demo codes use the ``9.`` series, which the
# national catalogue does not use.
PROCEDURE_CODE_PATTERN = r"^[0-9]\.[0-9]{6}(\.[A-Z0-9]{1,10})?$"
FIELD_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._-]{0,39}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,79}$"

# The catalogue's result types (``ProcedureVersion.result_document_type``) of certification from the
# original (chứng thực bản sao từ bản chính; NĐ 23/2015/NĐ-CP as amended). A procedure whose result is a
# paper certified copy gives its holders the authority to certify copies (the denominator of the QĐ 766
# indicator ELECTRONIC_CERTIFIED_COPY); one whose result is the electronic certified copy (NĐ 45/2020/NĐ-CP:
# chứng thực bản sao điện tử từ bản chính) is the service the numerator counts, and its dossiers'
# electronic results are produced by ``cchc.dossiers.results.certified`` from the digitised original.
CERTIFIED_COPY_TYPE = "ban-sao-chung-thuc"
ELECTRONIC_CERTIFIED_COPY_TYPE = "ban-sao-dien-tu-chung-thuc"


class VersionStatus(models.TextChoices):
    """Life of a procedure version: edited as a draft, published (immutable), retired when replaced."""

    DRAFT = "draft", "Bản nháp"
    PUBLISHED = "published", "Đang áp dụng"
    RETIRED = "retired", "Hết hiệu lực"


class ServiceType(models.TextChoices):
    """How the procedure can be carried out online (dịch vụ công trực tuyến toàn trình / một phần)."""

    FULL_ONLINE = "toan_trinh", "Dịch vụ công trực tuyến toàn trình"
    PARTIAL_ONLINE = "mot_phan", "Dịch vụ công trực tuyến một phần"
    IN_PERSON = "truc_tiep", "Chỉ thực hiện trực tiếp"


class ApplicantType(models.TextChoices):
    """Who may apply (đối tượng thực hiện)."""

    CITIZEN = "citizen", "Công dân Việt Nam"
    FOREIGNER = "foreigner", "Người nước ngoài"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class TimeUnit(models.TextChoices):
    """Unit of the statutory processing time (the same codes as ``cchc.calendars.constants.DueUnit``,
    which counts them).

    - ``days``: ngày làm việc (working days), the usual unit (NĐ 118/2025/NĐ-CP, TT 03/2025/TT-VPCP).
    - ``hours``: giờ làm việc (working hours).
    - ``same_day``: trong ngày, due at the close of the working day of reception, or of the next working
      day when received after the procedure's cut-off hour (NĐ 23/2015/NĐ-CP Điều 7 khoản 1: chứng thực,
      "sau 15 giờ"); the value is always 1.
    - ``calendar_days``: ngày (calendar days, days off count) for procedures whose law says "ngày", not
      "ngày làm việc"; ending on a day off, the close of the next working day (BLDS 2015 Điều 148 khoản 5).
    """

    WORKING_DAYS = "days", "ngày làm việc"
    WORKING_HOURS = "hours", "giờ làm việc"
    SAME_DAY = "same_day", "trong ngày"
    CALENDAR_DAYS = "calendar_days", "ngày"


class FeeKind(models.TextChoices):
    """Phí (a charge for a service) or lệ phí (a charge for a state act), Luật Phí và lệ phí 2015."""

    FEE = "phi", "Phí"
    CHARGE = "le_phi", "Lệ phí"


class StepResponsible(models.TextChoices):
    """Who carries out a step of the internal procedure (quy trình nội bộ)."""

    RECEIVING = "receiving", "Bộ phận một cửa tiếp nhận hồ sơ"
    COMPETENT = "competent", "Cơ quan có thẩm quyền giải quyết"
    AGENCY = "agency", "Cơ quan được chỉ định (liên thông)"


class StaffRole(models.TextChoices):
    """The staff role that handles a step; the codes match ``cchc.accounts`` roles (stored as strings)."""

    RECEPTION = "reception", "Tiếp nhận tại bộ phận một cửa"
    SPECIALIST = "specialist", "Chuyên viên xử lý"
    LEADER = "leader", "Lãnh đạo phê duyệt"
    CLERK = "clerk", "Văn thư trả kết quả"


class CodeStatus(models.TextChoices):
    """How sure the catalogue is of a procedure's national code."""

    CONFIRMED = "confirmed", "Đã đối chiếu với Cổng Dịch vụ công quốc gia"
    SECONDARY = "secondary", "Theo nguồn thứ cấp, cần đối chiếu"
    DEMO = "demo", "Mã minh họa (không phải mã quốc gia)"


class CatalogueErrorCode(StrEnum):
    """Stable error codes that reach API clients and command output."""

    INVALID_INPUT = "catalogue.invalid_input"
    STEPS_EXCEED_STATUTORY_TIME = "catalogue.steps_exceed_statutory_time"
    NO_STEPS = "catalogue.no_steps"
    VERSION_NOT_DRAFT = "catalogue.version_not_draft"
    VERSION_IMMUTABLE = "catalogue.version_immutable"
    PUBLISH_BEFORE_CURRENT = "catalogue.publish_before_current"
    UNKNOWN_AGENCY = "catalogue.unknown_agency"
    UNKNOWN_FIELD = "catalogue.unknown_field"
    NO_COMPETENT_AGENCY = "catalogue.no_competent_agency"

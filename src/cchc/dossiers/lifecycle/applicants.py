"""The applicant and the papers of a dossier, as the services take them; the small checks every
transition shares (a moment with its time zone, the invalid-input refusal) and the dossier fields the
audit events snapshot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from cchc.dossiers.constants import ApplicantKind, DossierError, DossierErrorCode, IdentityLevel, NotifyChannel

SNAPSHOT_FIELDS = [
    "code",
    "status",
    "channel",
    "receiving_agency",
    "competent_agency",
    "received_at",
    "due_at",
    "statutory_due_at",
    "processed_at",
    "returned_at",
    "ended_at",
    "end_reason",
    "supplement_count",
    "paused_seconds",
    "resume_status",
    "is_late",
]

_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
_ORGANISATION_ID = re.compile(r"^\d{10}(-\d{3})?$")
_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")


@dataclass(frozen=True)
class Applicant:
    """Who files the dossier: a citizen (căn cước 12 digits, old ID 9) or an organisation (tax code)."""

    kind: str
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    # the channels the applicant chose for notifications (NotifyChannel values); None: thư điện tử when
    # an address is given (the portal asks for one), nothing otherwise
    notify_channels: tuple[str, ...] | None = None
    # how the applicant was identified (IdentityLevel): set by the portal from the signed-in identity,
    # never from what was typed; "" for typed details and the counter
    identity: str = ""

    def validated(self, *, require_phone: bool) -> Applicant:
        kind = ApplicantKind(self.kind) if self.kind in ApplicantKind.values else None
        if kind is None:
            raise invalid("Loại người nộp hồ sơ không hợp lệ (công dân hoặc tổ chức).")
        name = " ".join(self.name.split())
        if not name:
            raise invalid("Thiếu họ tên người nộp hồ sơ hoặc tên tổ chức.")
        id_number = self.id_number.strip()
        pattern = _CITIZEN_ID if kind == ApplicantKind.CITIZEN else _ORGANISATION_ID
        if not pattern.match(id_number):
            raise invalid(
                "Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ)."
                if kind == ApplicantKind.CITIZEN
                else "Mã số doanh nghiệp, tổ chức phải gồm 10 chữ số (chi nhánh: thêm -XXX)."
            )
        phone = self.phone.replace(" ", "").replace(".", "")
        if phone and not _PHONE.match(phone):
            raise invalid("Số điện thoại không hợp lệ.")
        if require_phone and not phone:
            raise invalid("Hồ sơ nộp trực tuyến cần số điện thoại để liên hệ và tra cứu.")
        email = self.email.strip()
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            raise invalid("Địa chỉ thư điện tử không hợp lệ.")
        if self.notify_channels is None:
            channels: tuple[str, ...] = (NotifyChannel.EMAIL.value,) if email else ()
        else:
            channels = tuple(dict.fromkeys(self.notify_channels))
        for channel in channels:
            if channel not in NotifyChannel.values:
                raise invalid("Kênh nhận thông báo không hợp lệ.")
            if channel == NotifyChannel.EMAIL and not email:
                raise invalid("Muốn nhận thông báo qua thư điện tử cần ghi địa chỉ thư điện tử.")
            if channel in (NotifyChannel.SMS, NotifyChannel.ZALO) and not phone:
                raise invalid("Muốn nhận thông báo qua tin nhắn hoặc Zalo cần ghi số điện thoại.")
        if self.identity not in IdentityLevel.values:
            raise invalid("Hình thức xác thực định danh không hợp lệ.")
        return Applicant(kind, name, id_number, phone, email, " ".join(self.address.split()), channels, self.identity)

    def dossier_fields(self) -> dict[str, object]:
        """The dossier's applicant columns (of a :meth:`validated` applicant): the services' new dossier
        and the simulator's bulk path write the same ones."""
        return {
            "applicant_kind": self.kind,
            "applicant_name": self.name,
            "applicant_id_number": self.id_number,
            "applicant_phone": self.phone,
            "applicant_email": self.email,
            "applicant_address": self.address,
            "notify_channels": list(self.notify_channels or ()),
            "applicant_identity": self.identity,
        }


@dataclass(frozen=True)
class PaperDocument:
    """A paper the reception officer checked off at the desk against the catalogue's list.

    ``required_document_id`` is the catalogue line (``RequiredDocument``) it answers; form 01 (the
    receipt slip) lists these papers with their number of copies.
    """

    required_document_id: int
    copies: int = 1


def invalid(message: str) -> DossierError:
    return DossierError(DossierErrorCode.INVALID_INPUT, message)


def check_at(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise invalid("Thời điểm phải có múi giờ.")

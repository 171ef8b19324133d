"""The demo's one-stop-shop staff: accounts for one complete journey of every online procedure.

A visitor of the demo (``make run``) must be able to take an online dossier from submission on the
portal to the returned result with the printed accounts alone. So the accounts are derived from the
catalogue: for each procedure that can be filed online (``toan_trinh`` or ``mot_phan``), each
competent agency it names, and each step of its internal procedure (quy trình nội bộ, NĐ 118/2025/NĐ-CP),
the agency that carries the step out (the receiving desk, the competent agency, or the inter-agency
one the step names) gets an officer with the step's role, plus the officer who records the end of
processing (a leader of the competent agency) and the one who returns the result (a clerk of the
desk). The journey's places are fixed for the demo: a provincial procedure is filed at the province's
public service centre (the portal's first desk), a commune procedure at Phường Nha Trang.

Reads only; the accounts are written by ``cchc demo_staff`` through ``cchc.accounts.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from cchc.accounts.constants import Role
from cchc.catalogue.constants import ServiceType, StepResponsible
from cchc.catalogue.models import ProcedureVersion
from cchc.catalogue.selectors import procedure_list_published, procedure_version_current
from cchc.dossiers.selectors import competent_agency_candidates, portal_desks
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

DEMO_COMMUNE = "ubnd-22366"  # Phường Nha Trang, formed on 1/7/2025 (Nghị quyết 1667/NQ-UBTVQH15)
JUSTICE = "so-tu-phap"

ROLE_PREFIX: dict[Role, str] = {
    Role.RECEPTION: "tiepnhan",
    Role.SPECIALIST: "chuyenvien",
    Role.LEADER: "lanhdao",
    Role.CLERK: "vanthu",
}
AGENCY_SLUGS = {
    DEMO_COMMUNE: "nhatrang",
    "cong-an-tinh": "congan",
    "cuc-thue-tinh": "thue",
    "bao-hiem-xa-hoi-tinh": "bhxh",
    "van-phong-ubnd": "vpubnd",
    "ubnd-56": "ubndtinh",
}

# Full names as written, family name first (one field: cchc.accounts.names). The first five keep the
# names the demo has always printed; the others are given in the order of the usernames.
KNOWN_NAMES = {
    "tiepnhan.tinh": "Nguyễn Thị Lan",
    "chuyenvien.stp": "Trần Văn Minh",
    "lanhdao.stp": "Lê Quốc Hùng",
    "vanthu.stp": "Phạm Thị Hoa",
    "tiepnhan.nhatrang": "Võ Thị Thảo",
}
NAME_POOL = (
    "Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Huỳnh Thị Giang",
    "Phan Văn Hải", "Vũ Thị Hạnh", "Võ Văn Hiếu", "Đặng Thị Hồng", "Bùi Văn Hưng", "Đỗ Thị Hương",
    "Hồ Văn Khánh", "Ngô Thị Kim", "Dương Văn Lâm", "Lý Thị Liên", "Nguyễn Hữu Lộc", "Trần Thị Mai",
    "Lê Thị Ngọc", "Phạm Văn Nam", "Hoàng Thị Nga", "Huỳnh Văn Nhân", "Phan Thị Oanh", "Vũ Văn Phong",
    "Võ Thị Phương", "Đặng Văn Quang", "Bùi Thị Quyên", "Đỗ Văn Sơn", "Hồ Thị Tâm", "Ngô Văn Thắng",
    "Dương Thị Thanh", "Lý Văn Thành", "Nguyễn Thị Thu", "Trần Văn Tiến", "Lê Thị Trang", "Phạm Văn Trung",
    "Hoàng Thị Uyên", "Huỳnh Văn Việt", "Phan Thị Vân", "Vũ Văn Vinh", "Võ Thị Xuân", "Đặng Thị Yến",
    "Bùi Văn Bảo", "Đỗ Thị Châu", "Hồ Văn Định", "Ngô Thị Diệu", "Dương Văn Hòa", "Lý Thị Huệ",
    "Nguyễn Văn Kiên", "Trần Thị Loan", "Lê Văn Long", "Phạm Thị Lụa", "Hoàng Văn Mạnh", "Huỳnh Thị My",
    "Phan Văn Nghĩa", "Vũ Thị Nhung", "Võ Văn Phúc", "Đặng Thị Quế", "Bùi Văn Tài", "Đỗ Thị Thoa",
)  # fmt: skip


@dataclass(frozen=True)
class Seat:
    """A place in a journey: a role at an agency (one demo account each)."""

    agency: Agency
    role: Role

    @property
    def key(self) -> tuple[int, str]:
        return (self.agency.pk, self.role.value)

    @property
    def username(self) -> str:
        return f"{ROLE_PREFIX[self.role]}.{agency_slug(self.agency)}"


@dataclass
class Journey:
    """One online dossier of ``version`` from submission to the returned result, seat by seat."""

    version: ProcedureVersion
    receiving: Agency
    competent: Agency
    receive: Seat
    mark_processed: Seat
    return_result: Seat
    steps: list[tuple[str, Seat]] = field(default_factory=list)

    def seats(self) -> list[Seat]:
        return [seat for _, seat in self.steps] + [self.receive, self.mark_processed, self.return_result]


def agency_slug(agency: Agency) -> str:
    """The part of a demo username that names the agency: ``tinh`` for the province's centre,
    ``stp`` for Sở Tư pháp (initials of a department), a short name for the others."""
    if agency.level == Level.PROVINCE and agency.kind == AgencyKind.SERVICE_CENTRE:
        return "tinh"
    if agency.code in AGENCY_SLUGS:
        return AGENCY_SLUGS[agency.code]
    if agency.code.startswith("so-"):
        return "s" + "".join(word[0] for word in agency.code[3:].split("-") if word and word != "va")
    return agency.code.replace("-", "")[:20]


def base_seats(*, on: date) -> list[Seat]:
    """The accounts the demo has always printed (the province's desk, Sở Tư pháp, Phường Nha Trang's
    desk), also when no catalogue is loaded. Raises ``Agency.DoesNotExist`` without the registry."""
    centre = _centre(on)
    valid = Agency.objects.valid_on(on)
    justice = valid.get(code=JUSTICE)
    commune = valid.get(code=DEMO_COMMUNE)
    return [
        Seat(centre, Role.RECEPTION),
        Seat(justice, Role.SPECIALIST),
        Seat(justice, Role.LEADER),
        Seat(justice, Role.CLERK),
        Seat(commune, Role.RECEPTION),
    ]


def _centre(on: date) -> Agency:
    centre = portal_desks(on=on).filter(level=Level.PROVINCE).first()
    if centre is None:
        raise Agency.DoesNotExist("no provincial public service centre")
    return centre


def demo_journeys(*, on: date, at: datetime) -> list[Journey]:
    """One journey per online procedure in force at ``at`` and per competent agency it names (every
    commune-level one stands for Phường Nha Trang), in the portal's order."""
    centre = _centre(on)
    commune = Agency.objects.valid_on(on).get(code=DEMO_COMMUNE)
    journeys: list[Journey] = []
    for procedure in procedure_list_published():
        try:
            version = procedure_version_current(procedure=procedure, at=at)
        except ProcedureVersion.DoesNotExist:
            continue
        if version.service_type == ServiceType.IN_PERSON:
            continue
        competents: list[Agency] = []
        for candidate in competent_agency_candidates(version=version, on=on):
            chosen = commune if candidate.level == Level.COMMUNE else candidate
            if chosen.pk not in {a.pk for a in competents}:
                competents.append(chosen)
        for competent in competents:
            journeys.append(_journey(version, centre=centre, competent=competent))
    return journeys


def _journey(version: ProcedureVersion, *, centre: Agency, competent: Agency) -> Journey:
    """The seats of one dossier: each step at the agency that carries it out (``responsible``: the
    desk, the competent agency, or the named inter-agency one), with the step's role; the desk's
    reception officer receives, the competent leader records the end of processing, the desk's
    clerk returns the result (the services' rules: ``cchc.dossiers.services``)."""
    receiving = competent if competent.level == Level.COMMUNE else centre
    journey = Journey(
        version=version,
        receiving=receiving,
        competent=competent,
        receive=Seat(receiving, Role.RECEPTION),
        mark_processed=Seat(competent, Role.LEADER),
        return_result=Seat(receiving, Role.CLERK),
    )
    for step in version.steps.select_related("agency").order_by("order"):
        if step.agency is not None:
            agency = step.agency
        elif step.responsible == StepResponsible.RECEIVING:
            agency = receiving
        else:
            agency = competent
        journey.steps.append((step.name, Seat(agency, Role(step.staff_role))))
    return journey


def demo_seats(*, on: date, at: datetime) -> tuple[list[Seat], list[Journey]]:
    """Every seat the demo needs (the base ones first, then by username), and the journeys."""
    journeys = demo_journeys(on=on, at=at)
    seats: dict[tuple[int, str], Seat] = {seat.key: seat for seat in base_seats(on=on)}
    extra = {seat.key: seat for journey in journeys for seat in journey.seats() if seat.key not in seats}
    ordered = list(seats.values()) + sorted(extra.values(), key=lambda s: s.username)
    return ordered, journeys


def demo_full_name(username: str, index: int) -> str:
    """The full name of a demo account (the known ones keep theirs)."""
    return KNOWN_NAMES.get(username) or NAME_POOL[index % len(NAME_POOL)]

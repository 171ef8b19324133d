"""Fixtures of the dossier tests: the real Khánh Hòa registry, two procedures, officers with memberships,
and a driver that takes a dossier to any status through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import services as s
from cchc.dossiers.constants import Action, DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier
from cchc.org.models import Agency
from cchc.signing.tests.pdfs import result_pdf

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 12, 1, 8, 0, tzinfo=VN)
AT = datetime(2026, 1, 5, 8, 0, tzinfo=VN)  # Monday 5/1/2026, 08:00
MERGER_DAY = date(2025, 7, 1)

CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"
JUSTICE = "so-tu-phap"
NHA_TRANG = "ubnd-22366"

PROVINCE_PROCEDURE: dict[str, Any] = {
    "code": "9.000101",
    "code_status": "demo",
    "name": "Cấp Phiếu lý lịch tư pháp",
    "field": "LLTP",
    "levels": ["province"],
    "competent_agencies": [{"agency": JUSTICE}],
    "applicant_types": ["citizen"],
    "service_type": "toan_trinh",
    "processing_time": {"value": 5, "unit": "days"},
    "result": {"document_type": "phieu-ly-lich-tu-phap", "name": "Phiếu lý lịch tư pháp"},
    "legal_basis": ["Luật Lý lịch tư pháp số 28/2009/QH12"],
    "documents": [{"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "document_type": "to-khai-lltp"}],
    "fees": [{"kind": "phi", "name": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000}],
    "steps": [
        {"name": "Tiếp nhận hồ sơ", "responsible": "receiving", "staff_role": "reception", "duration_hours": 4},
        {"name": "Thẩm định, tra cứu", "responsible": "competent", "staff_role": "specialist", "duration_hours": 24},
        {"name": "Ký duyệt", "responsible": "competent", "staff_role": "leader", "duration_hours": 8},
        {"name": "Trả kết quả", "responsible": "receiving", "staff_role": "clerk", "duration_hours": 4},
    ],
}

COMMUNE_PROCEDURE: dict[str, Any] = {
    "code": "9.000102",
    "code_status": "demo",
    "name": "Đăng ký khai sinh",
    "field": "HOTICH",
    "levels": ["commune"],
    "competent_agencies": [{"level": "commune", "kind": "ubnd"}],
    "applicant_types": ["citizen"],
    "service_type": "toan_trinh",
    "processing_time": {"value": 4, "unit": "hours"},
    "result": {"document_type": "giay-khai-sinh", "name": "Giấy khai sinh"},
    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
    "documents": [{"name": "Tờ khai đăng ký khai sinh", "document_type": "to-khai-khai-sinh"}],
    "fees": [{"kind": "le_phi", "name": "Lệ phí đăng ký khai sinh", "table": [{"label": "Đúng hạn", "amount": 0}]}],
    "steps": [
        {"name": "Tiếp nhận", "responsible": "receiving", "staff_role": "reception", "duration_hours": 1},
        {"name": "Thẩm định và ký", "responsible": "competent", "staff_role": "leader", "duration_hours": 2},
        {"name": "Trả kết quả", "responsible": "receiving", "staff_role": "clerk", "duration_hours": 1},
    ],
}

CATALOGUE = {
    "format": "cchc-catalogue",
    "format_version": 1,
    "fields": [{"code": "LLTP", "name": "Lý lịch tư pháp"}, {"code": "HOTICH", "name": "Hộ tịch"}],
    "procedures": [PROVINCE_PROCEDURE, COMMUNE_PROCEDURE],
}

CITIZEN = s.Applicant(
    kind="citizen",
    name="Nguyễn Thị Lan",
    id_number="056190001234",
    phone="0905123456",
    email="lan@example.vn",
    address="Phường Nha Trang, Khánh Hòa",
)


@dataclass
class World:
    centre: Agency
    justice: Agency
    nha_trang: Agency
    province_procedure: Procedure
    commune_procedure: Procedure
    reception: User  # reception officer and clerk at the centre
    specialist: User  # at Sở Tư pháp
    leader: User  # at Sở Tư pháp
    commune_officer: User  # reception, leader and clerk at UBND phường Nha Trang
    outsider: User  # no membership


def _grant(user: User, agency: Agency, *roles: Role, area: Area = Area.ONE_STOP) -> None:
    for role in roles:
        membership_grant(
            user=user, agency=agency, area=area, role=role, valid_from=MERGER_DAY, actor=None, at=PUBLISHED
        )


def build_world() -> World:
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import(data=CATALOGUE, at=PUBLISHED)
    agencies = {a.code: a for a in Agency.objects.valid_on(AT.date()).filter(code__in=[CENTRE, JUSTICE, NHA_TRANG])}
    users = {
        name: User.objects.create_user(username=name, password="x-Secret-123")
        for name in ["tiepnhan", "chuyenvien", "lanhdao", "canboxa", "nguoingoai"]
    }
    _grant(users["tiepnhan"], agencies[CENTRE], Role.RECEPTION, Role.CLERK)
    _grant(users["chuyenvien"], agencies[JUSTICE], Role.SPECIALIST)
    _grant(users["lanhdao"], agencies[JUSTICE], Role.LEADER)
    _grant(users["canboxa"], agencies[NHA_TRANG], Role.RECEPTION, Role.LEADER, Role.CLERK)
    return World(
        centre=agencies[CENTRE],
        justice=agencies[JUSTICE],
        nha_trang=agencies[NHA_TRANG],
        province_procedure=Procedure.objects.get(code="9.000101"),
        commune_procedure=Procedure.objects.get(code="9.000102"),
        reception=users["tiepnhan"],
        specialist=users["chuyenvien"],
        leader=users["lanhdao"],
        commune_officer=users["canboxa"],
        outsider=users["nguoingoai"],
    )


@pytest.fixture(scope="module")
def world_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(world_module: World, db: None) -> World:
    """The registry, the two procedures and the officers (loaded once per module, rolled back after)."""
    return world_module


SITE = "https://dichvucong.khanhhoa.example"


@pytest.fixture
def certificates(world: World, tmp_path: Path, settings: Any) -> Path:
    """Development certificates of the world's agencies in a temporary CCHC_SIGNING_DIR (issue 16)."""
    from cchc.signing import pki

    directory = tmp_path / "signing"
    settings.CCHC_SIGNING_DIR = directory
    settings.CCHC_SIGNING_TRUST_ROOTS = []
    settings.CCHC_SIGNER = "local"
    settings.CCHC_SITE_URL = SITE
    agencies = [world.justice, world.centre, world.nha_trang]
    pki.pki_setup(directory, [pki.AgencyIdentity(code=a.code, name=a.name) for a in agencies], with_tsa=False)
    return directory


def returned_with_signed_result(w: World, at: datetime, *, title: str = "Giấy phép xây dựng") -> Dossier:
    """A dossier returned with a signed electronic result (the ``certificates`` fixture must be active):
    paid, the result attached by the competent agency, signed by the outbox subscriber, returned; all
    before ``at``."""
    from cchc.dossiers.results.services import SUBSCRIBER
    from cchc.outbox.dispatch import outbox_drain

    dossier = to_status(w, DossierStatus.PROCESSED)
    s.dossier_record_payment(
        dossier=dossier,
        actor=w.reception,
        at=at - timedelta(minutes=10),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-1",
    )
    s.dossier_attach_result(
        dossier=dossier, actor=w.specialist, at=at - timedelta(minutes=9), title=title, file=result_pdf()
    )
    outbox_drain(only=[SUBSCRIBER])
    s.dossier_return_result(dossier=dossier, actor=w.reception, at=at - timedelta(minutes=8))
    dossier.refresh_from_db()
    return dossier


# --- driving a dossier through the services -------------------------------------------------------


def submit(w: World, at: datetime = AT) -> Dossier:
    return s.dossier_submit_online(
        procedure=w.province_procedure,
        applicant=CITIZEN,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        at=at,
    )


def receive(w: World, at: datetime = AT) -> Dossier:
    return s.dossier_receive_counter(
        procedure=w.province_procedure,
        applicant=CITIZEN,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        actor=w.reception,
        at=at,
    )


def receive_commune(w: World, at: datetime = AT) -> Dossier:
    """A commune dossier received at Nha Trang's counter by its officer."""
    return s.dossier_receive_counter(
        procedure=w.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=w.nha_trang,
        competent_agency=w.nha_trang,
        actor=w.commune_officer,
        at=at,
    )


def waiting_before_reception(w: World, at: datetime = AT) -> Dossier:
    """An online dossier the desk asked to complete before reception (form 02; no clock yet)."""
    return s.dossier_request_supplement(
        dossier=submit(w, at), actor=w.reception, at=at + timedelta(minutes=30), reason="Bổ sung bản chụp căn cước"
    )


def to_status(w: World, status: DossierStatus, at: datetime = AT) -> Dossier:
    """A province dossier brought to ``status`` through the services, starting at ``at``."""
    step = timedelta(minutes=30)
    if status == DossierStatus.NEW:
        return submit(w, at)
    if status == DossierStatus.REFUSED:
        return s.dossier_refuse(dossier=submit(w, at), actor=w.reception, at=at + step, reason="Sai thủ tục")
    if status == DossierStatus.WITHDRAWN:
        return s.dossier_withdraw(dossier=submit(w, at), actor=None, at=at + step)
    if status == DossierStatus.RECEIVED:
        return receive(w, at)
    dossier = receive(w, at)
    s.dossier_complete_step(dossier=dossier, actor=w.reception, at=at + step, receiver=w.specialist)
    dossier.refresh_from_db()
    if status == DossierStatus.IN_PROCESS:
        return dossier
    later = at + 2 * step
    if status == DossierStatus.SUPPLEMENT_REQUESTED:
        return s.dossier_request_supplement(dossier=dossier, actor=w.specialist, at=later, reason="Bổ sung tờ khai")
    if status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED:
        return s.dossier_request_financial_obligation(dossier=dossier, actor=w.specialist, at=later)
    if status == DossierStatus.STOPPED:
        return s.dossier_stop(dossier=dossier, actor=w.leader, at=later, reason="Người nộp đề nghị dừng")
    s.dossier_complete_step(dossier=dossier, actor=w.specialist, at=later, receiver=w.leader)
    dossier = s.dossier_mark_processed(dossier=dossier, actor=w.leader, at=later + step, receiver=w.reception)
    if status == DossierStatus.PROCESSED:
        return dossier
    s.dossier_record_payment(
        dossier=dossier,
        actor=w.reception,
        at=later + 2 * step,
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-0001",
    )
    return s.dossier_return_result(dossier=dossier, actor=w.reception, at=later + 3 * step)


def first_line(w: World) -> Any:
    """The first line of the province procedure's document list (its newest version): the component the
    digitisation and reuse tests receive on paper."""
    from cchc.catalogue.models import RequiredDocument

    line = (
        RequiredDocument.objects.filter(version__procedure=w.province_procedure)
        .order_by("-version_id", "order")
        .first()
    )
    assert line is not None
    return line


def receive_paper(w: World, at: datetime = AT) -> Dossier:
    """A dossier received at the centre's counter with one paper component (:func:`first_line`)."""
    from cchc.dossiers.lifecycle.applicants import PaperDocument

    return s.dossier_receive_counter(
        procedure=w.province_procedure,
        applicant=CITIZEN,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        actor=w.reception,
        at=at,
        documents=[PaperDocument(required_document_id=first_line(w).pk)],
    )


def _paper_of(dossier: Dossier) -> int:
    """A paper component of ``dossier`` not yet digitised (one is recorded when the dossier has none)."""
    from cchc.dossiers.constants import DocumentSource
    from cchc.dossiers.models import DossierDocument

    paper = dossier.documents.filter(source=DocumentSource.PAPER, stored_document__isnull=True).first()
    if paper is None:
        order = dossier.documents.count() + 1
        paper = DossierDocument.objects.create(
            dossier=dossier,
            order=order,
            name="Tờ khai",
            document_type_code="to-khai-lltp",
            source=DocumentSource.PAPER,
            recorded_at=dossier.submitted_at,
        )
    return paper.pk


def perform(w: World, action: Action, dossier: Dossier, at: datetime) -> Any:
    """Call the service of ``action`` with valid arguments and an officer entitled to it."""
    active = dossier.steps.filter(status="active").first()
    step_officer = w.specialist if active is not None and active.agency == w.justice else w.reception
    calls: dict[Action, Callable[[], Any]] = {
        Action.RECEIVE: lambda: s.dossier_receive(dossier=dossier, actor=w.reception, at=at),
        Action.REFUSE: lambda: s.dossier_refuse(
            dossier=dossier, actor=w.reception, at=at, reason="Không thuộc thẩm quyền"
        ),
        Action.REQUEST_SUPPLEMENT: lambda: s.dossier_request_supplement(
            # before reception only the desk asks
            dossier=dossier,
            actor=w.reception if dossier.status == DossierStatus.NEW else w.specialist,
            at=at,
            reason="Bổ sung bản sao giấy tờ",
        ),
        Action.RESUBMIT_SUPPLEMENT: lambda: s.dossier_resubmit_supplement(dossier=dossier, actor=None, at=at),
        Action.COMPLETE_STEP: lambda: s.dossier_complete_step(dossier=dossier, actor=step_officer, at=at),
        Action.REQUEST_FINANCIAL_OBLIGATION: lambda: s.dossier_request_financial_obligation(
            dossier=dossier, actor=w.specialist, at=at
        ),
        Action.RECORD_PAYMENT: lambda: s.dossier_record_payment(
            dossier=dossier,
            actor=w.reception,
            at=at,
            amount=Decimal(50000),
            channel=PaymentChannel.COUNTER,
            receipt_number="BL-9999",
        ),
        Action.WITHDRAW: lambda: s.dossier_withdraw(dossier=dossier, actor=None, at=at),
        Action.STOP: lambda: s.dossier_stop(dossier=dossier, actor=w.leader, at=at, reason="Dừng theo đề nghị"),
        Action.APOLOGISE_EXTEND: lambda: s.dossier_apologise_extend(
            dossier=dossier, actor=w.leader, at=at, new_due_at=at + timedelta(days=60), reason="Chờ xác minh"
        ),
        Action.MARK_PROCESSED: lambda: s.dossier_mark_processed(dossier=dossier, actor=w.specialist, at=at),
        Action.RETURN_RESULT: lambda: s.dossier_return_result(dossier=dossier, actor=w.reception, at=at),
        Action.ATTACH_RESULT: lambda: s.dossier_attach_result(
            dossier=dossier, actor=w.specialist, at=at, title="Giấy xác nhận", file=result_pdf()
        ),
        Action.REVOKE_RESULT: lambda: s.dossier_revoke_result(
            dossier=dossier, actor=w.leader, at=at, reason="Cấp sai đối tượng"
        ),
        Action.RECORD_PAPER: lambda: s.dossier_record_paper(
            dossier=dossier, actor=w.reception, at=at, name="Bản chính căn cước (xuất trình tại quầy)"
        ),
        Action.DIGITISE_DOCUMENT: lambda: s.dossier_digitise_document(
            dossier=dossier,
            actor=w.reception,
            at=at,
            document=_paper_of(dossier),
            file=SimpleUploadedFile("ban-quet.pdf", result_pdf()),
        ),
    }
    return calls[action]()

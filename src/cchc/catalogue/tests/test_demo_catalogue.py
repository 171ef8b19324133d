"""The shipped demo catalogue: size, spread, inter-agency procedures, time rule and agency references."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from cchc.catalogue.constants import CodeStatus, VersionStatus
from cchc.catalogue.models import CompetentAgency, Procedure, ProcedureStep, ProcedureVersion
from cchc.catalogue.tests.conftest import AT
from cchc.org.constants import Level
from cchc.org.models import Agency


def _published():
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)


def test_demo_catalogue_has_at_least_40_procedures_in_at_least_10_fields(demo):
    assert _published().count() >= 40
    assert _published().values("field").distinct().count() >= 10


def test_demo_catalogue_covers_provincial_and_commune_level(demo):
    levels = {level for version in _published() for level in version.levels}

    assert {Level.PROVINCE, Level.COMMUNE} <= levels


def test_demo_catalogue_has_the_everyday_procedures(demo):
    names = " | ".join(_published().values_list("name", flat=True)).lower()

    for expected in [
        "đăng ký khai sinh",
        "đăng ký kết hôn",
        "đăng ký khai tử",
        "đăng ký thường trú",
        "đăng ký tạm trú",
        "lý lịch tư pháp",
        "giấy phép xây dựng",
        "giấy chứng nhận quyền sử dụng đất",
        "hộ kinh doanh",
        "giấy phép lái xe",
        "trợ cấp xã hội",
    ]:
        assert expected in names, expected


def test_demo_catalogue_has_at_least_three_inter_agency_procedures(demo):
    inter = _published().filter(steps__is_inter_agency=True).distinct()

    assert inter.count() >= 3
    child = inter.get(procedure__code="9.000001")
    assert set(child.steps.filter(is_inter_agency=True).values_list("agency__code", flat=True)) == {
        "cong-an-tinh",
        "bao-hiem-xa-hoi-tinh",
    }


def test_every_internal_procedure_fits_its_statutory_time(demo):
    totals = dict(
        ProcedureStep.objects.filter(version__status=VersionStatus.PUBLISHED)
        .values("version")
        .annotate(total=Sum("duration_hours"))
        .values_list("version", "total")
    )

    for version in _published():
        assert Decimal(0) < totals[version.pk] <= version.statutory_hours, version.procedure.code


def test_every_competent_agency_resolves_today(demo):
    today = timezone.localdate(AT)

    for item in CompetentAgency.objects.filter(version__status=VersionStatus.PUBLISHED).select_related("agency"):
        if item.agency is not None:
            assert item.agency.is_valid_on(today), item.agency.code
        else:
            assert Agency.objects.valid_on(today).filter(level=item.level, kind=item.agency_kind).exists()
    assert ProcedureStep.objects.filter(agency__isnull=False, agency__valid_to__lte=today).count() == 0


def test_demo_codes_are_marked_and_in_the_demo_range(demo):
    for procedure in Procedure.objects.all():
        if procedure.code.startswith("9."):
            assert procedure.code_status == CodeStatus.DEMO, procedure.code
        else:
            assert procedure.code_status in (CodeStatus.CONFIRMED, CodeStatus.SECONDARY), procedure.code
        assert procedure.code_source


def test_every_procedure_has_documents_and_legal_basis(demo):
    for version in _published().prefetch_related("documents"):
        assert version.legal_basis, version.procedure.code
        assert list(version.documents.all()), version.procedure.code

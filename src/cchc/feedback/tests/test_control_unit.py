"""Who handles feedback (PAKN) for the whole province (issue 12, item 28): the province's unit for
controlling administrative procedures (NĐ 20/2008/NĐ-CP and NĐ 63/2010/NĐ-CP as amended by NĐ
92/2017/NĐ-CP), by default Văn phòng UBND tỉnh, configurable (``CCHC_FEEDBACK_CONTROL_AGENCY``); not
Sở Nội vụ."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.dossiers.tests.conftest import AT, _grant
from cchc.feedback import services as s
from cchc.feedback.constants import FeedbackError, FeedbackErrorCode, FeedbackStatus, control_agency_code
from cchc.feedback.selectors import feedback_list_for_staff, feedback_staff_scope
from cchc.feedback.tests.conftest import FeedbackWorld, file
from cchc.org.models import Agency

CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"


def _officer(username: str, code: str) -> User:
    user = User.objects.create_user(username=username, password="x-Secret-123")
    _grant(user, Agency.objects.valid_on(AT.date()).get(code=code), Role.SPECIALIST, area=Area.FEEDBACK)
    return user


def test_the_control_unit_handles_every_agencys_feedback_and_home_affairs_does_not(fw: FeedbackWorld) -> None:
    # given feedback about Sở Tư pháp and about phường Nha Trang
    justice = file(fw)
    commune = file(fw, agency=fw.nha_trang)
    home_affairs = _officer("snv.phananh", "so-noi-vu")
    day = AT.date()

    # then Văn phòng UBND tỉnh sees and handles both
    assert control_agency_code() == "van-phong-ubnd"
    control = feedback_staff_scope(user=fw.control_officer, on=day)
    assert control.sees_all
    assert {f.code for f in feedback_list_for_staff(scope=control)} == {justice.code, commune.code}
    assert (
        s.feedback_assign(feedback=commune, actor=fw.control_officer, classification="other", at=AT).status
        == FeedbackStatus.ASSIGNED
    )
    # and Sở Nội vụ sees only its own (none here) and may not act on another agency's
    scope = feedback_staff_scope(user=home_affairs, on=day)
    assert not scope.sees_all
    assert list(feedback_list_for_staff(scope=scope)) == []
    with pytest.raises(FeedbackError) as refused:
        s.feedback_assign(feedback=justice, actor=home_affairs, classification="other", at=AT)
    assert refused.value.code == FeedbackErrorCode.NOT_PERMITTED


def test_the_control_unit_is_configurable_per_province(fw: FeedbackWorld, settings: Any) -> None:
    # given a province that gave the function to its service centre
    settings.CCHC_FEEDBACK_CONTROL_AGENCY = CENTRE
    centre_officer = _officer("ttpvhcc.phananh", CENTRE)
    commune = file(fw, agency=fw.nha_trang)

    # then the centre's officer handles it, and Văn phòng UBND tỉnh no longer sees everything
    assert feedback_staff_scope(user=centre_officer, on=AT.date()).sees_all
    assert not feedback_staff_scope(user=fw.control_officer, on=AT.date()).sees_all
    assert (
        s.feedback_assign(feedback=commune, actor=centre_officer, classification="other", at=AT).status
        == FeedbackStatus.ASSIGNED
    )


@pytest.mark.django_db
def test_the_demo_officer_works_at_the_control_unit(settings: Any) -> None:
    from cchc.org.services import org_load_khanh_hoa

    settings.DEBUG = True
    org_load_khanh_hoa()
    out = StringIO()

    call_command("feedback", "demo", stdout=out)

    (membership,) = AgencyMembership.objects.filter(user__username="phananh.vpubnd").select_related("agency")
    assert (membership.agency.code, membership.area) == ("van-phong-ubnd", Area.FEEDBACK)
    assert "Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa" in out.getvalue()

"""The public pages' copy of the versions in force (issue 17 item 4): the same version as
``procedure_version_current``, read once per catalogue generation, a new one after every change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache

from cchc.catalogue.models import FeeItem, Procedure
from cchc.catalogue.selectors import procedure_version_current, procedure_version_current_shared
from cchc.catalogue.services import field_upsert, procedure_draft_save, procedure_version_publish
from cchc.catalogue.spec import parse_procedure
from cchc.catalogue.tests.conftest import AT, LATER, procedure_data
from cchc.org.models import Agency


def _lists(version):
    return (
        [str(item) for item in version.competent_agencies.all()],
        [(step.name, step.agency.name if step.agency else "") for step in version.steps.all()],
        [document.name for document in version.documents.all()],
        [(fee.name, fee.amount) for fee in version.fees.all()],
    )


def test_the_copy_is_the_version_in_force_joined_and_is_read_once(demo, django_assert_num_queries):
    procedure = Procedure.objects.get(code="9.000001")
    expected = procedure_version_current(procedure=procedure, at=LATER)

    # which version is in force (one column), then the version and its four lists
    with django_assert_num_queries(6):
        first = procedure_version_current_shared(procedure=procedure, at=LATER)
        assert _lists(first) == _lists(expected)
    # the second time: which version is in force only
    with django_assert_num_queries(1):
        again = procedure_version_current_shared(procedure=procedure, at=LATER)
        assert _lists(again) == _lists(expected)

    assert first == expected
    assert again is first


def test_an_agency_renamed_shows_at_once(demo):
    procedure = Procedure.objects.get(code="9.000001")
    before = procedure_version_current_shared(procedure=procedure, at=LATER)
    police = Agency.objects.get(pk=next(s.agency_id for s in before.steps.all() if s.agency_id))

    police.name = "Công an tỉnh Khánh Hòa (tên mới)"
    police.save()

    after = procedure_version_current_shared(procedure=procedure, at=LATER)
    assert after is not before
    assert "Công an tỉnh Khánh Hòa (tên mới)" in [s.agency.name for s in after.steps.all() if s.agency]


def test_a_fee_changed_in_the_admin_shows_at_once(demo):
    procedure = Procedure.objects.get(code="9.000001")
    before = procedure_version_current_shared(procedure=procedure, at=LATER)
    fee = FeeItem.objects.filter(version=before).first()
    assert fee is not None

    fee.amount = Decimal("123000")
    fee.save()

    after = procedure_version_current_shared(procedure=procedure, at=LATER)
    assert [f.amount for f in after.fees.all() if f.pk == fee.pk] == [Decimal("123000")]


def test_a_new_version_takes_over_at_its_moment(registry):
    field_upsert(code="HOTICH", name="Hộ tịch")
    first = procedure_version_publish(
        version=procedure_draft_save(spec=parse_procedure(procedure_data()), at=AT), at=AT
    )
    procedure = first.procedure
    assert procedure_version_current_shared(procedure=procedure, at=LATER) == first

    changed = procedure_data(name="Thủ tục đăng ký khai sinh (sửa đổi)")
    second = procedure_version_publish(version=procedure_draft_save(spec=parse_procedure(changed), at=LATER), at=LATER)

    before = procedure_version_current_shared(procedure=procedure, at=LATER - timedelta(seconds=1))
    assert before == first
    assert before.retired_at == LATER  # the copy read before the retirement is not served
    assert procedure_version_current_shared(procedure=procedure, at=LATER) == second
    assert procedure_version_current_shared(procedure=procedure, at=LATER).name == "Thủ tục đăng ký khai sinh (sửa đổi)"


def test_no_version_in_force_is_the_same_refusal(registry):
    field_upsert(code="HOTICH", name="Hộ tịch")
    version = procedure_version_publish(
        version=procedure_draft_save(spec=parse_procedure(procedure_data()), at=AT), at=AT
    )
    try:
        procedure_version_current_shared(procedure=version.procedure, at=AT - timedelta(seconds=1))
    except type(version).DoesNotExist:
        pass
    else:
        raise AssertionError("a version before its publication")


def test_a_cache_that_lost_the_generation_reads_again(demo, django_assert_num_queries):
    procedure = Procedure.objects.get(code="9.000001")
    first = procedure_version_current_shared(procedure=procedure, at=LATER)

    cache.clear()  # Redis restarted or evicted the key: nothing is trusted

    with django_assert_num_queries(6):
        again = procedure_version_current_shared(procedure=procedure, at=LATER)
    assert again is not first
    assert again == first

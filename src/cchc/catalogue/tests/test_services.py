"""Drafts, publication and versioning, import idempotency and refusal."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from cchc.catalogue.constants import CatalogueErrorCode, VersionStatus
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.models import Field, Procedure, ProcedureStep, ProcedureVersion
from cchc.catalogue.selectors import procedure_version_current
from cchc.catalogue.services import (
    catalogue_import,
    catalogue_import_file,
    field_upsert,
    procedure_draft_save,
    procedure_version_draft_from,
    procedure_version_publish,
)
from cchc.catalogue.spec import parse_procedure
from cchc.catalogue.tests.conftest import AT, LATER, catalogue_data, procedure_data


def _publish(data, *, at=AT):
    field_upsert(code=data["field"], name="Hộ tịch")
    return procedure_version_publish(version=procedure_draft_save(spec=parse_procedure(data), at=at), at=at)


def test_publish_records_the_moment_and_makes_the_version_current(registry):
    version = _publish(procedure_data())

    assert version.status == VersionStatus.PUBLISHED
    assert version.published_at == AT
    assert version.number == 1
    assert procedure_version_current(procedure=version.procedure, at=AT) == version
    with pytest.raises(ProcedureVersion.DoesNotExist):
        procedure_version_current(procedure=version.procedure, at=AT - timedelta(seconds=1))


def test_a_new_version_retires_the_old_one_without_changing_it(registry):
    first = _publish(procedure_data())
    old_steps = list(first.steps.values_list("name", "duration_hours"))
    changed = procedure_data(processing_time={"value": 2, "unit": "days"}, name="Thủ tục đăng ký khai sinh (sửa đổi)")
    changed["steps"][1]["duration_hours"] = 12

    second = _publish(changed, at=LATER)

    first.refresh_from_db()
    assert second.number == 2
    assert first.status == VersionStatus.RETIRED
    assert first.retired_at == LATER
    assert first.processing_time == 1
    assert first.name == "Thủ tục đăng ký khai sinh"
    assert list(first.steps.values_list("name", "duration_hours")) == old_steps
    # A dossier filed before the change keeps the first version; one filed after gets the second.
    procedure = first.procedure
    assert procedure_version_current(procedure=procedure, at=LATER - timedelta(seconds=1)) == first
    assert procedure_version_current(procedure=procedure, at=LATER) == second
    procedure.refresh_from_db()
    assert procedure.name == "Thủ tục đăng ký khai sinh (sửa đổi)"


def test_published_version_cannot_be_published_again(registry):
    version = _publish(procedure_data())

    with pytest.raises(CatalogueError) as caught:
        procedure_version_publish(version=version, at=LATER)

    assert caught.value.code == CatalogueErrorCode.VERSION_NOT_DRAFT
    version.refresh_from_db()
    assert version.published_at == AT


def test_publication_cannot_go_back_in_time(registry):
    _publish(procedure_data(), at=LATER)
    draft = procedure_draft_save(spec=parse_procedure(procedure_data(name="Khai sinh mới")), at=AT)

    with pytest.raises(CatalogueError) as caught:
        procedure_version_publish(version=draft, at=AT)

    assert caught.value.code == CatalogueErrorCode.PUBLISH_BEFORE_CURRENT
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_draft_edited_beyond_statutory_time_is_refused_at_publication_and_nothing_changes(registry):
    first = _publish(procedure_data())
    draft = procedure_version_draft_from(version=first, at=LATER)
    ProcedureStep.objects.filter(version=draft, order=2).update(duration_hours=Decimal("20.5"))

    with pytest.raises(CatalogueError) as caught:
        procedure_version_publish(version=draft, at=LATER)

    assert caught.value.code == CatalogueErrorCode.STEPS_EXCEED_STATUTORY_TIME
    assert "23,5 giờ làm việc" in caught.value.message
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.status == VersionStatus.PUBLISHED
    assert draft.status == VersionStatus.DRAFT


def test_unknown_agency_is_refused_and_nothing_saved(registry):
    field_upsert(code="HOTICH", name="Hộ tịch")
    data = procedure_data(competent_agencies=[{"agency": "so-khong-co"}])

    with pytest.raises(CatalogueError) as caught:
        procedure_draft_save(spec=parse_procedure(data), at=AT)

    assert caught.value.code == CatalogueErrorCode.UNKNOWN_AGENCY
    assert "so-khong-co" in caught.value.message
    assert not Procedure.objects.exists()


def test_agency_abolished_before_the_publication_day_does_not_resolve(registry):
    field_upsert(code="HOTICH", name="Hộ tịch")
    # Sở Kế hoạch và Đầu tư merged into Sở Tài chính on 1/3/2025.
    data = procedure_data(competent_agencies=[{"agency": "so-ke-hoach-va-dau-tu"}])

    with pytest.raises(CatalogueError) as caught:
        procedure_draft_save(spec=parse_procedure(data), at=AT)

    assert caught.value.code == CatalogueErrorCode.UNKNOWN_AGENCY


def test_import_twice_changes_nothing(registry):
    data = catalogue_data(procedure_data(), procedure_data(code="1.004222", field="CUTRU", name="Đăng ký thường trú"))

    first = catalogue_import(data=data, at=AT)
    second = catalogue_import(data=data, at=LATER)

    assert sorted(first.created) == ["1.001193", "1.004222"]
    assert not second.changed
    assert sorted(second.unchanged) == ["1.001193", "1.004222"]
    assert ProcedureVersion.objects.count() == 2
    assert set(ProcedureVersion.objects.values_list("published_at", flat=True)) == {AT}


def test_import_of_a_changed_procedure_publishes_a_new_version_only_for_it(registry):
    other = procedure_data(code="1.004222", field="CUTRU", name="Đăng ký thường trú")
    catalogue_import(data=catalogue_data(procedure_data(), other), at=AT)
    changed = procedure_data()
    changed["fees"][0]["table"].append({"label": "Quá hạn", "amount": 5000})

    result = catalogue_import(data=catalogue_data(changed, other), at=LATER)

    assert result.new_versions == ["1.001193"]
    assert result.unchanged == ["1.004222"]
    birth = Procedure.objects.get(code="1.001193")
    assert list(birth.versions.order_by("number").values_list("status", flat=True)) == ["retired", "published"]
    assert procedure_version_current(procedure=birth, at=AT).fees.get().amount_table == [
        {"label": "Đúng hạn", "amount": 0}
    ]


def test_invalid_import_changes_nothing_and_names_file_procedure_and_field(registry):
    catalogue_import(data=catalogue_data(), at=AT)
    changed = procedure_data(name="Tên mới")
    bad = procedure_data(code="1.004222", field="CUTRU", competent_agencies=[{"agency": "so-khong-co"}])

    with pytest.raises(CatalogueError) as caught:
        catalogue_import(data=catalogue_data(changed, bad), at=LATER, source="catalogue.json")

    assert "tệp catalogue.json" in str(caught.value)
    assert "thủ tục 1.004222" in str(caught.value)
    assert "competent_agencies[0].agency" in str(caught.value)
    assert ProcedureVersion.objects.count() == 1
    assert Procedure.objects.get().name == "Thủ tục đăng ký khai sinh"


def test_procedure_in_an_undeclared_field_is_refused(registry):
    data = catalogue_data(procedure_data(field="KHONGCO"))

    with pytest.raises(CatalogueError) as caught:
        catalogue_import(data=data, at=AT)

    assert caught.value.code == CatalogueErrorCode.UNKNOWN_FIELD
    assert not Field.objects.exists()


def test_unreadable_json_file_is_refused_with_its_position(registry, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "cchc-catalogue",\n  "procedures": [', encoding="utf-8")

    with pytest.raises(CatalogueError) as caught:
        catalogue_import_file(path=path, at=AT)

    assert "dòng 2" in caught.value.message
    assert caught.value.source == str(path)


def test_import_from_file_is_idempotent(registry, tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue_data(), ensure_ascii=False), encoding="utf-8")

    assert catalogue_import_file(path=path, at=AT).changed
    assert not catalogue_import_file(path=path, at=LATER).changed


def test_field_rename_is_written_once(db):
    field_upsert(code="HOTICH", name="Hộ tịch")

    assert field_upsert(code="HOTICH", name="Hộ tịch")[1] is False
    assert field_upsert(code="HOTICH", name="Hộ tịch, chứng thực")[1] is True

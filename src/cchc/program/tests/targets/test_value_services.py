"""Manual values: recorded with evidence by the responsible agency or Sở Nội vụ; bad input saves nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.tests.conftest import World
from cchc.program.constants import TargetValueError, TargetValueErrorCode
from cchc.program.models import MeasureSeries, Program, TargetValue
from cchc.program.targets.services import target_value_record

AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Năm", "Tỷ lệ"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def series(program: Program, key: str = "hai-long-phuc-vu-hanh-chinh") -> MeasureSeries:
    return MeasureSeries.objects.get(program=program, key=key)


def test_a_value_with_a_pdf_is_recorded_and_audited(program: Program, snv_officer: User, media_root: Path) -> None:
    # given
    events = AuditEvent.objects.count()

    # when
    value = target_value_record(
        series=series(program),
        actor=snv_officer,
        period="2025",
        value="88,6",
        at=AT,
        evidence=SimpleUploadedFile("bao-cao.exe", pdf_bytes()),  # the name does not matter, the content does
        note="Kết quả SIPAS 2025",
    )

    # then
    value.refresh_from_db()
    assert (value.period_key, value.value, value.agency.code) == ("2025", Decimal("88.60"), "so-noi-vu")
    assert (value.evidence_type, value.evidence_extension, value.evidence_name) == (
        "application/pdf",
        ".pdf",
        "bao-cao.exe",
    )
    assert Path(value.evidence.path).read_bytes().startswith(b"%PDF-")
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert event.action == "program.target_value_record"


def test_an_excel_table_is_accepted_as_evidence(program: Program, snv_officer: User, media_root: Path) -> None:
    value = target_value_record(
        series=series(program),
        actor=snv_officer,
        period="2025-H1",
        value=Decimal(87),
        at=AT,
        evidence=SimpleUploadedFile("so-lieu.xlsx", xlsx_bytes()),
    )
    assert value.evidence_extension == ".xlsx"


def test_the_responsible_agency_may_enter_and_another_agency_may_not(
    program: Program, world: World, media_root: Path
) -> None:
    # given: Sở Tư pháp's specialist; the internal-procedure series belongs to Văn phòng UBND
    with pytest.raises(TargetValueError) as caught:
        target_value_record(
            series=series(program, "tthc-noi-bo"),
            actor=world.specialist,
            period="2025",
            value="100",
            at=AT,
            document_number="1/BC",
        )
    assert caught.value.code == TargetValueErrorCode.NOT_PERMITTED
    assert not TargetValue.objects.exists()


@pytest.mark.parametrize(
    ("period", "value", "evidence", "document", "code", "field"),
    [
        ("2025", "120", None, "5/BC-SNV", TargetValueErrorCode.INVALID_VALUE, "value"),
        ("2025", "-1", None, "5/BC-SNV", TargetValueErrorCode.INVALID_VALUE, "value"),
        ("2025", "ba mươi", None, "5/BC-SNV", TargetValueErrorCode.INVALID_VALUE, "value"),
        ("2025", "88.123", None, "5/BC-SNV", TargetValueErrorCode.INVALID_VALUE, "value"),
        ("2025", "88", None, "", TargetValueErrorCode.NO_EVIDENCE, "evidence"),
        ("2025", "88", b"<html><script>alert(1)</script></html>", "", TargetValueErrorCode.EVIDENCE_TYPE, "evidence"),
        ("2025", "88", b"", "5/BC-SNV", TargetValueErrorCode.EVIDENCE_TYPE, "evidence"),
        ("quý 3", "88", None, "5/BC-SNV", TargetValueErrorCode.INVALID_PERIOD, "period"),
        ("2027", "88", None, "5/BC-SNV", TargetValueErrorCode.INVALID_PERIOD, "period"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_changes(
    program: Program,
    snv_officer: User,
    media_root: Path,
    period: str,
    value: str,
    evidence: bytes | None,
    document: str,
    code: TargetValueErrorCode,
    field: str,
) -> None:
    events = AuditEvent.objects.count()
    upload = SimpleUploadedFile("minh-chung.pdf", evidence) if evidence is not None else None
    with pytest.raises(TargetValueError) as caught:
        target_value_record(
            series=series(program),
            actor=snv_officer,
            period=period,
            value=value,
            at=AT,
            evidence=upload,
            document_number=document,
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message
    assert caught.value.message[0].isupper()
    assert not TargetValue.objects.exists()
    assert AuditEvent.objects.count() == events
    assert list(media_root.rglob("*.*")) == []


def test_a_reduction_target_takes_the_reduction_achieved(program: Program, snv_officer: User) -> None:
    value = target_value_record(
        series=series(program, "bien-che-su-nghiep"),
        actor=snv_officer,
        period="2026",
        value="-2.5",
        at=AT,
        document_number="7/BC-SNV",
    )
    assert value.value == Decimal("-2.5")


def test_indicator_series_take_no_manual_value(program: Program, snv_officer: User) -> None:
    with pytest.raises(TargetValueError) as caught:
        target_value_record(
            series=series(program, "thanh-toan-truc-tuyen"),
            actor=snv_officer,
            period="2025",
            value="40",
            at=AT,
            document_number="x",
        )
    assert caught.value.code == TargetValueErrorCode.NOT_MANUAL


def test_a_correction_is_a_new_value_and_the_old_one_stays(program: Program, snv_officer: User) -> None:
    # given
    first = target_value_record(
        series=series(program), actor=snv_officer, period="2025", value="86", at=AT, document_number="5/BC-SNV"
    )

    # when: without a reason it is refused; with one, a new value supersedes the first
    with pytest.raises(TargetValueError) as caught:
        target_value_record(
            series=series(program),
            actor=snv_officer,
            period="2025",
            value="88",
            at=AT,
            document_number="6/BC-SNV",
            corrects=first,
        )
    assert caught.value.code == TargetValueErrorCode.NOTE_REQUIRED
    second = target_value_record(
        series=series(program),
        actor=snv_officer,
        period="2025",
        value="88",
        at=AT,
        document_number="6/BC-SNV",
        note="Nhầm số liệu của năm 2024",
        corrects=first,
    )

    # then
    first.refresh_from_db()
    assert first.value == Decimal(86)
    assert first.superseded_by == second
    assert TargetValue.objects.count() == 2
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert event.action == "program.target_value_correct"
    with pytest.raises(TargetValueError) as again:
        target_value_record(
            series=series(program),
            actor=snv_officer,
            period="2025",
            value="89",
            at=AT,
            document_number="7/BC",
            note="lần nữa",
            corrects=first,
        )
    assert again.value.code == TargetValueErrorCode.ALREADY_CORRECTED

"""Linking the imported targets of the real seed program to their measures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth.models import User

from cchc.audit.models import AuditEvent
from cchc.program.constants import MeasureKind
from cchc.program.models import MeasureSeries, Program, Target, TargetLink, TargetValue
from cchc.program.services import program_import
from cchc.program.targets.services import target_links_sync
from cchc.program.tests.conftest import SEED_PATH

AT = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)

EXPECTED = {
    "a2-2025-1": ("luan-chuyen-dien-tu", MeasureKind.PLATFORM, "INTER_AGENCY_ELECTRONIC"),
    "a2-2025-2": ("thanh-toan-truc-tuyen", MeasureKind.INDICATOR, "ONLINE_PAYMENT"),
    "a2-2030-1": ("thanh-toan-truc-tuyen", MeasureKind.INDICATOR, "ONLINE_PAYMENT"),
    "a2-2025-3": ("tthc-cung-cap-truc-tuyen", MeasureKind.INDICATOR, "ONLINE_PROCEDURES"),
    "a2-2025-4": ("hai-long-giai-quyet-tthc", MeasureKind.INDICATOR, "DOSSIER_RECEIVING_SATISFACTION"),
    "a2-2030-3": ("hai-long-giai-quyet-tthc", MeasureKind.INDICATOR, "DOSSIER_RECEIVING_SATISFACTION"),
    "a2-2025-5": ("hai-long-giai-quyet-tthc-linh-vuc", MeasureKind.INDICATOR, "DOSSIER_RECEIVING_SATISFACTION"),
    "a2-2030-4": ("hai-long-giai-quyet-tthc-linh-vuc", MeasureKind.INDICATOR, "DOSSIER_RECEIVING_SATISFACTION"),
    "a2-2025-6": ("tthc-noi-bo", MeasureKind.MANUAL, ""),
    "a2-2030-2": ("dinh-danh-nguoi-tham-gia", MeasureKind.MANUAL, ""),
    "a3-2025-1": ("hai-long-phuc-vu-hanh-chinh", MeasureKind.MANUAL, ""),
    "a3-2030-2": ("hai-long-phuc-vu-hanh-chinh", MeasureKind.MANUAL, ""),
    "a3-2025-2": ("hai-long-y-te-giao-duc", MeasureKind.MANUAL, ""),
    "a3-2030-3": ("hai-long-y-te-giao-duc", MeasureKind.MANUAL, ""),
    "a3-2030-1": ("bien-che-su-nghiep", MeasureKind.MANUAL, ""),
    "a5-2030-1": ("chi-ngan-sach-su-nghiep", MeasureKind.MANUAL, ""),
    "a6-2025-1": ("dvc-da-phuong-tien", MeasureKind.MANUAL, ""),
    "a6-2025-6": ("dinh-danh-nguoi-dung-dvc", MeasureKind.PLATFORM, "IDENTIFIED_ONLINE_USERS"),
    "a6-2025-2": ("ho-so-cong-viec-cap-tinh", MeasureKind.MANUAL, ""),
    "a6-2025-3": ("ho-so-cong-viec-cap-huyen", MeasureKind.MANUAL, ""),
    "a6-2025-4": ("ho-so-cong-viec-cap-xa", MeasureKind.MANUAL, ""),
    "a6-2025-5": ("kiem-tra-moi-truong-so", MeasureKind.MANUAL, ""),
    "a6-2030-2": ("kiem-tra-moi-truong-so", MeasureKind.MANUAL, ""),
    "a6-2030-1": ("dvc-kho-du-lieu-dung-chung", MeasureKind.MANUAL, ""),
}


def test_every_target_of_the_seed_program_is_linked(program: Program) -> None:
    # given: the fixture imported and linked the seed program
    links = {link.target_code: link for link in TargetLink.objects.filter(program=program).select_related("series")}

    # then: every target has its link; the 2025 and 2030 figures of a metric share a series
    assert set(Target.objects.filter(program=program).values_list("code", flat=True)) == set(EXPECTED)
    assert {code: (k.series.key, k.series.kind, k.series.measure_code) for code, k in links.items()} == EXPECTED
    field_series = MeasureSeries.objects.get(program=program, key="hai-long-giai-quyet-tthc-linh-vuc")
    assert field_series.field_names == ["đất đai", "xây dựng", "đầu tư"]
    snv = MeasureSeries.objects.get(program=program, key="bien-che-su-nghiep").responsible_agency
    assert snv is not None
    assert snv.code == "so-noi-vu"


def test_a_second_run_writes_nothing(program: Program) -> None:
    events = AuditEvent.objects.count()
    report = target_links_sync(program=program, at=AT)
    assert not report.changed
    assert len(report.linked) == len(EXPECTED)
    assert (report.unmatched, report.ambiguous) == ([], [])
    assert AuditEvent.objects.count() == events


def test_unmatched_targets_are_listed_not_guessed(program: Program) -> None:
    # given: a target reworded beyond any rule, and a link removed so it must be matched again
    target = Target.objects.get(program=program, code="a6-2025-1")
    target.metric = "Tỷ lệ cây xanh đô thị"
    target.save()
    TargetLink.objects.filter(program=program, target_code="a6-2025-1").delete()
    events = AuditEvent.objects.count()

    # when
    report = target_links_sync(program=program, at=AT)

    # then: listed, left unlinked, nothing written
    assert report.unmatched == [("a6-2025-1", "Tỷ lệ cây xanh đô thị")]
    assert not TargetLink.objects.filter(program=program, target_code="a6-2025-1").exists()
    assert AuditEvent.objects.count() == events


def test_a_link_changed_by_hand_is_kept_and_a_new_link_is_audited(program: Program) -> None:
    # given: one link set by hand in the admin, one link missing
    by_hand = TargetLink.objects.get(program=program, target_code="a2-2025-3")
    by_hand.rule_key = ""
    by_hand.series = MeasureSeries.objects.get(program=program, key="tthc-noi-bo")
    by_hand.save()
    TargetLink.objects.filter(program=program, target_code="a2-2025-2").delete()
    events = AuditEvent.objects.count()

    # when
    report = target_links_sync(program=program, at=AT)

    # then
    assert report.by_hand == ["a2-2025-3"]
    assert TargetLink.objects.get(program=program, target_code="a2-2025-3").series.key == "tthc-noi-bo"
    assert report.created == 1
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "program.link_targets"  # type: ignore[union-attr]


def test_reimporting_a_revised_text_keeps_links_and_values(program: Program, snv_officer: User) -> None:
    # given: a manual value, then a revised text of the decision (one target's wording changed)
    from cchc.program.targets.services import target_value_record

    series = MeasureSeries.objects.get(program=program, key="bien-che-su-nghiep")
    target_value_record(
        series=series, actor=snv_officer, period="2025", value="2.5", at=AT, document_number="12/BC-SNV"
    )
    revised = SEED_PATH.read_text(encoding="utf-8").replace(
        "Tiếp tục giảm bình quân 10% biên chế sự nghiệp", "Tiếp tục giảm bình quân 12% biên chế sự nghiệp"
    )

    # when
    program_import(source=revised, source_name="qd-4831-sua-doi.txt", at=AT)
    report = target_links_sync(program=program, at=AT)

    # then: the target was updated in place, its link and value are still there
    assert Target.objects.get(program=program, code="a3-2030-1").value == Decimal(12)
    assert TargetLink.objects.get(program=program, target_code="a3-2030-1").series == series
    assert TargetValue.objects.filter(series=series).count() == 1
    assert not report.changed

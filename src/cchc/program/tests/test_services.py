"""program_import on the real registry: the seed, re-imports, revisions, refusals, a second province."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps

from cchc.org.models import Agency, AgencyGroup
from cchc.org.selectors import agency_group_successor_members, agency_successors_on
from cchc.program.constants import ImportError_
from cchc.program.importer.errors import ProgramImportError
from cchc.program.models import AgencyRef, AppendixTask, DutyGroup, Program, ProgramRevision, Target
from cchc.program.services import program_import
from cchc.program.tests.conftest import AT, PHU_YEN_PATH, SEED_PATH

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every program table, history tables included."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_app_config("program").get_models()}
    assert "program.HistoricalTarget" in counts
    return counts


@pytest.fixture
def imported(khanh_hoa_registry):
    return program_import(source=SEED_PATH.read_bytes(), source_name="qd-4831.txt", at=AT)


def refs(task: AppendixTask, role: str) -> list[tuple[str, str, str, str]]:
    return [
        (r.text, r.agency.code if r.agency else (r.group.code if r.group else ""), r.qualifier, r.note)
        for r in task.agency_refs.filter(role=role).order_by("order").select_related("agency", "group")
    ]


def test_seed_import_counts(imported):
    program = imported.program
    assert imported.created
    assert not imported.unchanged
    assert (program.number, program.issuer_name, program.issued_on) == (
        "4831/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Khánh Hòa",
        date(2021, 12, 24),
    )
    assert program.unit is not None
    assert program.unit.code == "56"
    assert program.issuer is not None
    assert program.areas.count() == 6
    assert program.appendix_tasks.count() == 32
    assert program.duty_groups.count() == 16
    assert program.targets.count() == 24
    assert DutyGroup.objects.get(program=program, number=2).duties.count() == 11
    assert imported.unplaced == ["qd-4831.txt:1: Hệ thống pháp luật"]
    revision = program.revisions.get()
    assert revision.unplaced_lines == imported.unplaced
    assert revision.source_text == SEED_PATH.read_text(encoding="utf-8")


def test_targets_are_stored_as_structured_data(imported):
    target = Target.objects.get(program=imported.program, code="a6-2025-3")
    assert (target.comparator, target.value, target.unit, target.milestone_year, target.gov_level) == (
        "eq",
        80,
        "%",
        2025,
        "district",
    )
    reduce = Target.objects.get(program=imported.program, code="a5-2030-1")
    assert (reduce.comparator, reduce.baseline_year_start, reduce.baseline_year_end, reduce.qualifiers) == (
        "reduce_by",
        2021,
        2025,
        ["bình quân"],
    )
    assert reduce.objective.is_quantitative
    assert reduce.area.number == 5


def test_agency_refs_of_selected_tasks(imported):
    tasks = {t.number: t for t in imported.program.appendix_tasks.all()}
    assert refs(tasks[9], "coordinate") == [
        ("Sở Thông tin và Truyền thông", "so-thong-tin-va-truyen-thong", "theo nội dung", ""),
        ("Sở Nội vụ", "so-noi-vu", "theo nội dung", ""),
        ("Sở Kế hoạch và Đầu tư", "so-ke-hoach-va-dau-tu", "theo nội dung", ""),
        ("Sở, ban ngành", refs(tasks[9], "coordinate")[3][1], "liên quan", ""),
        ("UBND cấp huyện", refs(tasks[9], "coordinate")[4][1], "", ""),
    ]
    assert [r[0] for r in refs(tasks[12], "coordinate")] == [
        "Cục Thuế tỉnh",
        "Công an tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Sở Tư pháp",
        "Văn phòng UBND tỉnh",
        "các cơ quan, đơn vị",
    ]
    assert [(r[0], r[2]) for r in refs(tasks[13], "lead")] == [
        ("Sở Tư pháp", "theo phân công"),
        ("Công an tỉnh", "theo phân công"),
        ("Bảo hiểm xã hội tỉnh", "theo phân công"),
        ("Cục Thuế tỉnh", "theo phân công"),
    ]
    assert [(r[0], r[3]) for r in refs(tasks[18], "coordinate")] == [
        (
            "Các cơ quan quản lý các đơn vị sự nghiệp công lập",
            "chủ trì thực hiện chỉ đạo các đơn vị trực thuộc xây dựng phương án hoàn thiện cơ chế, "
            "chính sách tự chủ tài chính đơn vị sự nghiệp công lập",
        ),
        ("Sở Tài chính", "thẩm định phương án"),
    ]
    lead23 = refs(tasks[23], "lead")
    assert [r[0] for r in lead23] == ["Sở Thông tin và Truyền thông", "Sở Giao thông vận tải", "Sở Du lịch"]
    assert lead23[1][3].startswith("chủ trì triển khai xây dựng Trung tâm Điều hành giao thông thông minh")
    lead31 = refs(tasks[31], "lead")
    assert [(r[0], r[1]) for r in lead31] == [
        ("Sở Nội vụ", "so-noi-vu"),
        ("Sở Kế hoạch và Đầu tư", "so-ke-hoach-va-dau-tu"),
        ("Sở Thông tin và Truyền thông", "so-thong-tin-va-truyen-thong"),
    ]
    assert lead31[0][3].startswith("Chủ trì phụ trách, theo dõi Chỉ số PAR Index")
    lead15 = tasks[15].agency_refs.get(role="lead")
    assert lead15.group is not None
    assert lead15.text == "Các sở, ngành, địa phương"


def test_every_task_reference_resolves(imported):
    unresolved = AgencyRef.objects.filter(task__program=imported.program, agency__isnull=True, group__isnull=True)
    assert list(unresolved.values_list("task__number", "text")) == []


def test_every_duty_group_addressee_resolves(imported):
    unresolved = AgencyRef.objects.filter(duty_group__program=imported.program, agency__isnull=True, group__isnull=True)
    assert list(unresolved.values_list("duty_group__number", "text")) == []
    assert imported.unresolved == []


def test_every_lead_has_bearers_on_2026(imported):
    day = date(2026, 1, 1)
    for ref in AgencyRef.objects.filter(task__program=imported.program, role="lead").select_related("agency", "group"):
        if ref.agency is not None:
            bearers = agency_successors_on(ref.agency, day)
        else:
            bearers = agency_group_successor_members(ref.group, as_of=imported.program.issued_on, on=day)
        assert bearers, (ref.task.number, ref.text)
    sotttt = Agency.objects.get(code="so-thong-tin-va-truyen-thong")
    assert "so-khoa-hoc-va-cong-nghe" in [a.code for a in agency_successors_on(sotttt, day)]


def test_task_areas_are_inferred(imported):
    areas = dict(imported.program.appendix_tasks.values_list("number", "area__number"))
    assert (areas[1], areas[9], areas[18], areas[26]) == (1, 2, 5, 6)
    assert all(imported.program.appendix_tasks.values_list("area_inferred", flat=True))


def test_task_27_phases(imported):
    task = imported.program.appendix_tasks.get(number=27)
    assert task.timeline_kind == "phased"
    assert list(task.phases.values_list("start_year", "end_year")) == [(2022, 2023), (2024, 2030)]
    assert "Giai đạon 2022-2023" in task.timeline_text  # original text kept, typo included


def test_reimport_is_a_no_op(imported):
    before = row_counts()
    again = program_import(source=SEED_PATH.read_bytes(), source_name="qd-4831.txt", at=AT + timedelta(days=1))
    assert again.unchanged
    assert not again.changed
    assert again.revision is None
    assert row_counts() == before
    assert Program.objects.get().imported_at == AT


def test_revised_text_updates_in_place_and_records_a_revision(imported):
    program = imported.program
    text = SEED_PATH.read_text(encoding="utf-8").replace("đạt từ 30% trở lên", "đạt từ 35% trở lên")
    text = text.replace("Năm 2022 và các năm tiếp theo\n\n32", "Năm 2023 và các năm tiếp theo\n\n32")
    target_history = Target.history.count()
    revised = program_import(source=text, source_name="qd-4831-v2.txt", at=AT + timedelta(days=2))
    assert not revised.unchanged
    assert not revised.created
    assert revised.program.pk == program.pk
    assert Target.objects.get(program=program, code="a2-2025-2").value == 35
    assert Target.history.count() == target_history + 1  # only the changed target got a history row
    assert program.appendix_tasks.get(number=31).start_year == 2023
    assert ProgramRevision.objects.filter(program=program).count() == 2
    latest = ProgramRevision.objects.get(sha256=revised.revision.sha256)
    assert latest.summary["changes"] == {
        "chương trình": {"created": 0, "updated": 1, "deleted": 0},  # its source_sha256
        "chỉ tiêu": {"created": 0, "updated": 1, "deleted": 0},
        "nhiệm vụ phụ lục": {"created": 0, "updated": 1, "deleted": 0},
        "mục tiêu": {"created": 0, "updated": 1, "deleted": 0},
    }


def test_rows_that_disappear_are_deleted(imported):
    text = SEED_PATH.read_text(encoding="utf-8")
    text = text.replace(
        "\n\n100% thủ tục hành chính nội bộ giữa cơ quan hành chính nhà nước được công bố, "
        "công khai và cập nhật kịp thời.",
        "",
    )
    program_import(source=text, source_name="v3.txt", at=AT + timedelta(days=3))
    codes = set(Target.objects.filter(program=imported.program).values_list("code", flat=True))
    assert len(codes) == 23
    assert "a2-2025-6" not in codes


def cut(text: str, line: int) -> str:
    return "\n".join(text.split("\n")[:line])


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", ImportError_.NOT_TEXT),
        ("Số: 1\n\nxin chào\x00\x01\x02".encode(), ImportError_.NOT_TEXT),
        (b"Qu\xe1\xba", ImportError_.TRUNCATED),
        ("Hôm nay trời đẹp. Chúng tôi đi dạo.\n".encode(), ImportError_.NOT_A_PROGRAM),
    ],
)
def test_garbled_files_are_refused_and_change_nothing(imported, source, code):
    before = row_counts()
    with pytest.raises(ProgramImportError) as info:
        program_import(source=source, source_name="x.bin", at=AT)
    assert info.value.code == code
    assert row_counts() == before


@pytest.mark.parametrize("line", [45, 250, 420, 700, 835])
def test_truncated_revisions_are_refused_and_change_nothing(imported, line):
    before = row_counts()
    with pytest.raises(ProgramImportError) as info:
        program_import(source=cut(SEED_PATH.read_text(encoding="utf-8"), line), source_name="cut.txt", at=AT)
    assert info.value.code == ImportError_.TRUNCATED
    assert row_counts() == before


def test_cut_inside_a_multibyte_character(imported):
    data = SEED_PATH.read_bytes()
    before = row_counts()
    with pytest.raises(ProgramImportError) as info:
        program_import(source=data[: len(data) - 1], source_name="cut.txt", at=AT)
    assert info.value.code == ImportError_.TRUNCATED
    assert row_counts() == before


def test_second_province_imports_without_linking_khanh_hoa_agencies(khanh_hoa_registry):
    result = program_import(source=PHU_YEN_PATH.read_bytes(), source_name="phu-yen.txt", at=AT)
    program = result.program
    assert (program.number, program.areas.count(), program.appendix_tasks.count(), program.targets.count()) == (
        "2150/QĐ-UBND",
        5,
        7,
        6,
    )
    assert AgencyRef.objects.filter(task__program=program).exclude(agency=None).count() == 0
    assert result.unresolved[0].startswith("phu-yen.txt:")
    assert any("ngoài địa bàn" in w for w in result.warnings)
    assert AgencyGroup.objects.exists()  # the registry is there, it is just another province

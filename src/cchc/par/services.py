"""Writes of the PAR Index: loading an index set, opening a round, self-scoring, appraisal, results.

legal: Đề án "Xác định Chỉ số cải cách hành chính của các bộ, cơ quan ngang bộ, Ủy ban nhân dân các
tỉnh, thành phố trực thuộc Trung ương" (QĐ 876/QĐ-BNV ngày 10/11/2022): each unit self-assesses every
criterion with evidence (tài liệu kiểm chứng); the appraising body checks and adjusts the score with
a reason; part of the points come from a sociological survey. The province runs the same method for
its own departments and communes (Quy chế QĐ 4044/QĐ-UBND ngày 08/11/2021 of UBND tỉnh Khánh Hòa,
appraisal by the province's council with Sở Nội vụ as its standing body).

Every write here is one transaction with exactly one audit event; a refused write raises
:class:`~cchc.par.constants.ParError` (stable code, Vietnamese message) before anything changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area
from cchc.accounts.selectors import user_roles
from cchc.audit.services import audit_record, audit_snapshot
from cchc.common.numbers import vi_number
from cchc.org.models import Agency, AgencyGroup
from cchc.org.selectors import agency_group_members
from cchc.par.constants import (
    APPRAISER_CODE,
    AUDIENCE_GROUP,
    PROVINCE_AGENCY_CODE,
    AssessmentStatus,
    Audience,
    Method,
    ParError,
    ParErrorCode,
    RoundStatus,
)
from cchc.par.importer import IndexSetSpec
from cchc.par.models import Assessment, AssessmentRound, Criterion, Evidence, IndexSet, Score
from cchc.par.uploads import evidence_check

CENT = Decimal("0.01")
SCORE_FIELDS = ["self_points", "self_comment", "appraised_points", "appraisal_reason", "value_source"]


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def fmt_points(value: Decimal | None) -> str:
    """Points for people: "7,5", "10" ("—" when empty)."""
    if value is None:
        return "—"
    return vi_number(value, 2, trim=True)


# --- index sets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    index_set: IndexSet
    created: bool
    changed: bool


@transaction.atomic
def index_set_import(*, spec: IndexSetSpec, actor: AbstractBaseUser | None, at: datetime) -> ImportOutcome:
    """Load a checked index set (``cchc.par.importer``) as data: the set and its whole tree.

    Rule: the table is loaded as published; a node's maximum is the sum of its children's (checked by
    the importer). The same file again changes nothing (content hash). A revised table replaces the
    tree only while no round uses the set: a round's scores must keep meaning what was assessed, so a
    set in use is refused (``par.index_set_in_use``) and the revision must come under a new code.
    One audit event ``par.index_set.import``.
    """
    digest = spec.content_hash
    existing = IndexSet.objects.select_for_update().filter(code=spec.code).first()
    if existing is not None and existing.content_hash == digest:
        return ImportOutcome(existing, created=False, changed=False)
    if existing is not None and existing.rounds.exists():
        raise ParError(
            ParErrorCode.INDEX_SET_IN_USE,
            f"Bộ chỉ số «{spec.code}» đã được dùng cho đợt đánh giá; nội dung khác nhau nên không thể ghi đè. "
            "Hãy nhập bản sửa đổi với mã mới.",
        )
    before = audit_snapshot(existing) if existing is not None else None
    index_set = existing or IndexSet(code=spec.code)
    index_set.name = spec.name
    index_set.year = spec.year
    index_set.audience = spec.audience
    index_set.legal_basis = spec.legal_basis
    index_set.is_demo = spec.demo
    index_set.note = spec.note
    index_set.max_points = spec.max_points
    index_set.grade_excellent_min = spec.grades["tot"]
    index_set.grade_good_min = spec.grades["kha"]
    index_set.grade_average_min = spec.grades["trung_binh"]
    index_set.content_hash = digest
    index_set.imported_at = at
    index_set.save()
    if existing is not None:
        index_set.nodes.all().delete()
    saved: dict[int, Criterion] = {}
    for position, (node, parent) in enumerate(spec.walk(), start=1):
        saved[id(node)] = Criterion.objects.create(
            index_set=index_set,
            parent=saved[id(parent)] if parent is not None else None,
            kind=node.kind,
            code=node.code,
            name=node.name,
            max_points=node.max_points,
            guidance=node.guidance,
            method=node.method,
            indicator_code=node.indicator_code,
            is_leaf=not node.children,
            position=position,
        )
    after = audit_snapshot(index_set) | {"nodes": len(saved), "leaves": sum(1 for n in saved.values() if n.is_leaf)}
    audit_record(actor=actor, action="par.index_set.import", target=index_set, before=before, after=after, at=at)
    return ImportOutcome(index_set, created=existing is None, changed=True)


def index_set_spec(index_set: IndexSet) -> dict[str, Any]:
    """The index set back in the JSON import layout (for ``cchc par export``)."""
    nodes = list(index_set.nodes.order_by("position"))
    children: dict[int | None, list[Criterion]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    keys = {1: "criteria", 2: "sub_criteria"}

    def dump(node: Criterion) -> dict[str, Any]:
        item: dict[str, Any] = {"code": node.code, "name": node.name, "max_points": node.max_points}
        if node.guidance:
            item["guidance"] = node.guidance
        if node.is_leaf:
            item["method"] = node.method
            if node.indicator_code:
                item["indicator"] = node.indicator_code
        elif node.pk in children:
            item[keys[node.depth]] = [dump(child) for child in children[node.pk]]
        return item

    return {
        "format": "cchc-par-index",
        "format_version": 1,
        "code": index_set.code,
        "name": index_set.name,
        "year": index_set.year,
        "audience": index_set.audience,
        "legal_basis": index_set.legal_basis,
        "demo": index_set.is_demo,
        "note": index_set.note,
        "grades": {
            "tot": index_set.grade_excellent_min,
            "kha": index_set.grade_good_min,
            "trung_binh": index_set.grade_average_min,
        },
        "max_points": index_set.max_points,
        "fields": [dump(node) for node in children.get(None, [])],
    }


# --- rounds -------------------------------------------------------------------------------------


def round_agencies(*, index_set: IndexSet, on: date) -> list[Agency]:
    """The agencies a round of ``index_set`` assesses on ``on``: today's members of the audience's
    registry group (departments: "các sở, ban, ngành"; communes: UBND cấp xã), or the provincial
    People's Committee for the province audience."""
    if index_set.audience == Audience.PROVINCE:
        return list(Agency.objects.valid_on(on).filter(code=PROVINCE_AGENCY_CODE))
    group = AgencyGroup.objects.filter(code=AUDIENCE_GROUP[index_set.audience]).first()
    if group is None:
        return []
    return list(agency_group_members(group, on=on))


def _require_member(actor: AbstractBaseUser | None, agency: Agency, day: date, what: str) -> None:
    """``actor`` acts for ``agency`` on ``day`` (any role); None is the system (commands, demo)."""
    if actor is None:
        return
    if not user_roles(user=actor, agency=agency, on=day, area=Area.PAR):
        raise ParError(ParErrorCode.NOT_PERMITTED, f"Bạn không có phân công tại {agency.name} để {what}.")


@transaction.atomic
def round_open(
    *,
    index_set: IndexSet,
    year: int,
    opened_on: date,
    self_deadline: date,
    appraisal_deadline: date,
    actor: AbstractBaseUser | None,
    at: datetime,
    name: str = "",
    appraiser: Agency | None = None,
    agencies: Sequence[Agency] | None = None,
) -> AssessmentRound:
    """Open the round of ``year`` for ``index_set``: one assessment per assessed agency (by default
    the audience's agencies valid on ``opened_on``), one empty score per leaf.

    Rules: one round per index set and year (``par.round_exists``); deadlines in order
    (``par.invalid_input``); the appraiser defaults to Sở Nội vụ valid on ``opened_on``; the actor
    must act for the appraiser. One audit event ``par.round.open``.
    """
    if not (opened_on <= self_deadline <= appraisal_deadline):
        raise ParError(
            ParErrorCode.INVALID_INPUT, "Ngày mở, hạn nộp tự đánh giá và hạn thẩm định phải theo thứ tự thời gian."
        )
    if AssessmentRound.objects.filter(index_set=index_set, year=year).exists():
        raise ParError(ParErrorCode.ROUND_EXISTS, f"Đã có đợt đánh giá năm {year} theo bộ chỉ số «{index_set.name}».")
    if appraiser is None:
        appraiser = Agency.objects.valid_on(opened_on).filter(code=APPRAISER_CODE).first()
        if appraiser is None:
            raise ParError(ParErrorCode.INVALID_INPUT, "Không tìm thấy Sở Nội vụ (cơ quan thẩm định) trong danh mục.")
    _require_member(actor, appraiser, local_day(at), "mở đợt đánh giá")
    assessed = list(agencies) if agencies is not None else round_agencies(index_set=index_set, on=opened_on)
    if not assessed:
        raise ParError(ParErrorCode.NO_AGENCIES, "Không có cơ quan nào thuộc đối tượng đánh giá của bộ chỉ số này.")
    round_ = AssessmentRound.objects.create(
        index_set=index_set,
        year=year,
        name=name or f"Chỉ số CCHC năm {year} — {index_set.get_audience_display()}",
        appraiser=appraiser,
        opened_on=opened_on,
        self_deadline=self_deadline,
        appraisal_deadline=appraisal_deadline,
        status=RoundStatus.OPEN,
        created_at=at,
    )
    assessments = Assessment.objects.bulk_create([Assessment(round=round_, agency=agency) for agency in assessed])
    leaves = list(index_set.nodes.filter(is_leaf=True).values_list("pk", flat=True))
    Score.objects.bulk_create(
        [Score(assessment=a, criterion_id=leaf) for a in assessments for leaf in leaves], batch_size=1000
    )
    after = audit_snapshot(round_) | {"agencies": [a.code for a in assessed]}
    audit_record(actor=actor, action="par.round.open", target=round_, before=None, after=after, at=at)
    return round_


def _lock_round(pk: int) -> AssessmentRound:
    return AssessmentRound.objects.select_for_update().select_related("appraiser", "index_set").get(pk=pk)


def _lock_assessment(pk: int) -> Assessment:
    # concurrency: one write at a time per assessment (scores, submission, appraisal)
    return (
        Assessment.objects.select_for_update()
        .select_related("round", "round__index_set", "round__appraiser", "agency")
        .get(pk=pk)
    )


def _check_self_open(round_: AssessmentRound, at: datetime) -> None:
    if round_.status != RoundStatus.OPEN or local_day(at) > round_.self_deadline:
        raise ParError(
            ParErrorCode.ROUND_CLOSED,
            f"Đợt đánh giá đã đóng phần tự đánh giá (hạn cuối {round_.self_deadline:%d/%m/%Y}); "
            "không thể chấm, sửa điểm hay nộp bản tự đánh giá.",
        )


def _check_points(criterion: Criterion, points: Decimal | None) -> Decimal:
    if points is None:
        raise ParError(ParErrorCode.INVALID_INPUT, f"Chưa nhập điểm tiêu chí {criterion.code}.")
    if not isinstance(points, Decimal) or not points.is_finite():
        raise ParError(ParErrorCode.INVALID_INPUT, f"Điểm tiêu chí {criterion.code} phải là một số.")
    if points < 0 or points > criterion.max_points:
        raise ParError(
            ParErrorCode.SCORE_OUT_OF_RANGE,
            f"Điểm tiêu chí {criterion.code} phải từ 0 đến {fmt_points(criterion.max_points)} (điểm tối đa); "
            f"đã nhập {fmt_points(points)}.",
        )
    if points != points.quantize(CENT):
        raise ParError(ParErrorCode.INVALID_INPUT, f"Điểm tiêu chí {criterion.code} chỉ có tối đa 2 chữ số thập phân.")
    return points


def _score_for_update(score: Score) -> tuple[Score, Assessment]:
    assessment = _lock_assessment(score.assessment_id)
    locked = Score.objects.select_related("criterion").get(pk=score.pk)
    return locked, assessment


@transaction.atomic
def score_self(
    *,
    score: Score,
    points: Decimal | None,
    comment: str,
    files: Iterable[Any] = (),
    actor: AbstractBaseUser | None,
    at: datetime,
) -> Score:
    """The agency scores one self-assessed leaf, with its explanation and evidence files.

    Rules: only while the round is open and on or before its self-assessment deadline
    (``par.round_closed``); only a member of the assessed agency (``par.not_permitted``); only a draft
    assessment (``par.assessment_status``); only a leaf assessed by the agency itself — survey and
    computed leaves are filled by the appraiser (``par.wrong_method``); points from 0 to the leaf's
    maximum, at most 2 decimals (``par.score_out_of_range``); every file checked by its content
    before anything is stored. One audit event ``par.score.self``.
    """
    score, assessment = _score_for_update(score)
    criterion = score.criterion
    _require_member(actor, assessment.agency, local_day(at), "tự chấm điểm")
    _check_self_open(assessment.round, at)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ParError(ParErrorCode.ASSESSMENT_STATUS, "Bản tự đánh giá đã nộp; không sửa được điểm tự đánh giá.")
    if criterion.method != Method.SELF:
        raise ParError(
            ParErrorCode.WRONG_METHOD,
            f"Tiêu chí {criterion.code} chấm theo phương pháp «{criterion.get_method_display()}», "
            "do cơ quan thẩm định nhập, không tự chấm.",
        )
    points = _check_points(criterion, points)
    checked = [evidence_check(file=f) for f in files]  # all files checked before anything is written
    before = audit_snapshot(score, SCORE_FIELDS)
    score.self_points = points
    score.self_comment = comment.strip()
    score.self_at = at
    score.self_by = actor  # type: ignore[assignment]
    score.save(update_fields=["self_points", "self_comment", "self_at", "self_by"])
    added = []
    for item in checked:
        evidence = Evidence(
            score=score,
            original_name=item.original_name,
            content_type=item.content_type,
            extension=item.extension,
            size=item.size,
            sha256=item.sha256,
            uploaded_at=at,
            uploaded_by=actor,  # type: ignore[misc]
        )
        evidence.file.save(item.original_name, File(item.file), save=False)
        evidence.save()
        added.append({"name": item.original_name, "sha256": item.sha256, "size": item.size})
    after = audit_snapshot(score, SCORE_FIELDS) | {"evidence_added": added}
    audit_record(actor=actor, action="par.score.self", target=score, before=before, after=after, at=at)
    return score


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: AbstractBaseUser | None, at: datetime) -> Assessment:
    """The agency submits its self-assessment to the appraiser (DRAFT → SUBMITTED).

    Rules: before the deadline of an open round (``par.round_closed``); every self-assessed leaf
    scored (``par.incomplete``, listing the codes). One audit event ``par.assessment.submit``.
    """
    assessment = _lock_assessment(assessment.pk)
    _require_member(actor, assessment.agency, local_day(at), "nộp bản tự đánh giá")
    _check_self_open(assessment.round, at)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ParError(ParErrorCode.ASSESSMENT_STATUS, "Bản tự đánh giá đã được nộp trước đó.")
    missing = list(
        assessment.scores.filter(criterion__method=Method.SELF, self_points__isnull=True)
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
    )
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ParError(ParErrorCode.INCOMPLETE, f"Còn {len(missing)} tiêu chí chưa tự chấm điểm: {shown}.")
    before = audit_snapshot(assessment, ["status", "submitted_at"])
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = at
    assessment.submitted_by = actor  # type: ignore[assignment]
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    after = audit_snapshot(assessment, ["status", "submitted_at", "submitted_by"])
    audit_record(actor=actor, action="par.assessment.submit", target=assessment, before=before, after=after, at=at)
    return assessment


def _check_appraisal(assessment: Assessment, actor: AbstractBaseUser | None, at: datetime, what: str) -> None:
    _require_member(actor, assessment.round.appraiser, local_day(at), what)
    if assessment.round.status == RoundStatus.FINALISED:
        raise ParError(ParErrorCode.ROUND_STATUS, "Đợt đánh giá đã công bố kết quả; không thay đổi được điểm.")
    if assessment.status != AssessmentStatus.SUBMITTED:
        state = "chưa nộp bản tự đánh giá" if assessment.status == AssessmentStatus.DRAFT else "đã thẩm định xong"
        raise ParError(ParErrorCode.ASSESSMENT_STATUS, f"{assessment.agency.name} {state}; không thẩm định được.")


@transaction.atomic
def score_appraise(
    *, score: Score, points: Decimal | None, reason: str, actor: AbstractBaseUser | None, at: datetime
) -> Score:
    """The appraiser sets the score of one leaf: adjusts a self-score, or enters a survey / computed
    value the system does not hold.

    Rules: only a member of the appraising agency (Sở Nội vụ); only a submitted assessment of a round
    not yet finalised; points from 0 to the maximum; a reason is required whenever the appraised
    points differ from the self-score, and always for a survey or computed value entered by hand
    (``par.reason_required``): the agency must be able to see why. One audit event ``par.score.appraise``.
    """
    score, assessment = _score_for_update(score)
    criterion = score.criterion
    _check_appraisal(assessment, actor, at, "thẩm định")
    points = _check_points(criterion, points)
    reason = reason.strip()
    if not reason and (criterion.method != Method.SELF or points != score.self_points):
        what = "lý do điều chỉnh" if criterion.method == Method.SELF else "nguồn số liệu / ghi chú"
        raise ParError(ParErrorCode.REASON_REQUIRED, f"Tiêu chí {criterion.code}: cần ghi {what}.")
    before = audit_snapshot(score, SCORE_FIELDS)
    score.appraised_points = points
    score.appraisal_reason = reason
    if criterion.method != Method.SELF:
        score.value_source = "Cơ quan thẩm định nhập"
    score.appraised_at = at
    score.appraised_by = actor  # type: ignore[assignment]
    score.save(update_fields=["appraised_points", "appraisal_reason", "value_source", "appraised_at", "appraised_by"])
    audit_record(
        actor=actor,
        action="par.score.appraise",
        target=score,
        before=before,
        after=audit_snapshot(score, SCORE_FIELDS),
        at=at,
    )
    return score


def survey_points(maximum: Decimal, percent: Decimal) -> Decimal:
    """Points of a survey leaf: the maximum × the satisfaction rate (0-100 %), 2 decimals half up."""
    return (maximum * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def score_record_survey(
    *, score: Score, percent: Decimal | None, source: str, actor: AbstractBaseUser | None, at: datetime
) -> Score:
    """The appraiser records the result of the sociological survey for a survey leaf: the rate in %
    (0-100) and where it comes from; the points are the maximum × the rate.

    legal: QĐ 876/QĐ-BNV: part of the index is measured by điều tra xã hội học, not self-assessed.
    One audit event ``par.score.survey``.
    """
    score, assessment = _score_for_update(score)
    criterion = score.criterion
    _check_appraisal(assessment, actor, at, "nhập kết quả điều tra xã hội học")
    if criterion.method != Method.SURVEY:
        raise ParError(ParErrorCode.WRONG_METHOD, f"Tiêu chí {criterion.code} không chấm bằng điều tra xã hội học.")
    if percent is None or not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise ParError(ParErrorCode.SCORE_OUT_OF_RANGE, f"Tiêu chí {criterion.code}: tỷ lệ phải từ 0 đến 100 %.")
    if not source.strip():
        raise ParError(ParErrorCode.REASON_REQUIRED, f"Tiêu chí {criterion.code}: cần ghi nguồn (cuộc khảo sát).")
    before = audit_snapshot(score, SCORE_FIELDS)
    score.appraised_points = survey_points(criterion.max_points, percent)
    score.value_source = f"Điều tra xã hội học: {fmt_points(percent)} % — {source.strip()}"[:500]
    score.appraisal_reason = ""
    score.appraised_at = at
    score.appraised_by = actor  # type: ignore[assignment]
    score.save(update_fields=["appraised_points", "appraisal_reason", "value_source", "appraised_at", "appraised_by"])
    after = audit_snapshot(score, SCORE_FIELDS) | {"percent": percent}
    audit_record(actor=actor, action="par.score.survey", target=score, before=before, after=after, at=at)
    return score


@dataclass(frozen=True)
class LinkedValue:
    code: str
    indicator: str
    points: Decimal | None
    note: str


def _indicator_values(assessment: Assessment, at: datetime) -> dict[str, tuple[Any, str]]:
    """The 766 indicators for the assessed agency over the round's year (results keyed by code)."""
    from cchc.indicators.compute import indicators_compute
    from cchc.indicators.constants import IndicatorError
    from cchc.indicators.periods import period_parse
    from cchc.indicators.scopes import Scope

    period = period_parse(str(assessment.round.year))
    moment = min(at, period.end)
    try:
        report = indicators_compute(period=period, scope=Scope(agency=assessment.agency.code), at=moment)
    except IndicatorError as exc:
        return {"": (None, exc.message)}
    return {code: (result, period.label) for code, result in report.results.items()}


@transaction.atomic
def assessment_compute_linked(
    *, assessment: Assessment, actor: AbstractBaseUser | None, at: datetime
) -> list[LinkedValue]:
    """Fill every computed leaf from the indicators engine (QĐ 766 index, the agency, the round's year).

    Points = the leaf's maximum × the indicator's score / the indicator's maximum (full marks where
    the indicator does not apply to a commune). A leaf whose indicator has no data or nothing to
    count in the year is left for the appraiser to enter with a note. One audit event
    ``par.assessment.compute_linked`` (the values set, per leaf).
    """
    from cchc.indicators.constants import Status

    assessment = _lock_assessment(assessment.pk)
    _check_appraisal(assessment, actor, at, "lấy số liệu từ hệ thống")
    scores = list(
        assessment.scores.select_related("criterion")
        .filter(criterion__method=Method.COMPUTED)
        .order_by("criterion__position")
    )
    values = _indicator_values(assessment, at) if scores else {}
    out: list[LinkedValue] = []
    changed: dict[str, Any] = {}
    for score in scores:
        criterion = score.criterion
        result, label = values.get(criterion.indicator_code, values.get("", (None, "không có số liệu")))
        points: Decimal | None = None
        if result is not None and result.status == Status.NOT_APPLICABLE:
            points = criterion.max_points
            note = f"Chỉ số {criterion.indicator_code} không áp dụng cấp xã: tính điểm tối đa ({label})"
        elif result is not None and result.status == Status.COMPUTED and result.score is not None:
            ratio = result.score / result.indicator.max_points
            points = (criterion.max_points * Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            note = (
                f"Chỉ số {criterion.indicator_code} ({label}): {result.numerator}/{result.denominator}, "
                f"{fmt_points(result.points)}/{result.indicator.max_points} điểm"
            )
        else:
            reason = result.reason if result is not None and result.reason else label
            note = f"Chỉ số {criterion.indicator_code}: chưa có số liệu ({reason})"
        out.append(LinkedValue(criterion.code, criterion.indicator_code, points, note))
        if points is None:
            continue
        score.appraised_points = points
        score.value_source = note[:500]
        score.appraisal_reason = ""
        score.appraised_at = at
        score.appraised_by = actor  # type: ignore[assignment]
        score.save(
            update_fields=["appraised_points", "value_source", "appraisal_reason", "appraised_at", "appraised_by"]
        )
        changed[criterion.code] = {"points": points, "source": note}
    audit_record(
        actor=actor,
        action="par.assessment.compute_linked",
        target=assessment,
        before=None,
        after={"values": changed, "missing": [v.code for v in out if v.points is None]},
        at=at,
    )
    return out


@transaction.atomic
def assessment_finalise(*, assessment: Assessment, actor: AbstractBaseUser | None, at: datetime) -> Assessment:
    """The appraiser closes one agency's appraisal (SUBMITTED → FINALISED): its scores are final.

    Rule: every survey and computed leaf has a value (``par.incomplete``); self-assessed leaves the
    appraiser did not touch keep the agency's score. One audit event ``par.assessment.finalise``.
    """
    assessment = _lock_assessment(assessment.pk)
    _check_appraisal(assessment, actor, at, "kết thúc thẩm định")
    missing = list(
        assessment.scores.exclude(criterion__method=Method.SELF)
        .filter(appraised_points__isnull=True)
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
    )
    if missing:
        raise ParError(
            ParErrorCode.INCOMPLETE,
            f"Còn {len(missing)} tiêu chí điều tra xã hội học / tính từ dữ liệu chưa có điểm: {', '.join(missing)}.",
        )
    before = audit_snapshot(assessment, ["status", "finalised_at"])
    assessment.status = AssessmentStatus.FINALISED
    assessment.finalised_at = at
    assessment.finalised_by = actor  # type: ignore[assignment]
    assessment.save(update_fields=["status", "finalised_at", "finalised_by"])
    after = audit_snapshot(assessment, ["status", "finalised_at", "finalised_by"])
    audit_record(actor=actor, action="par.assessment.finalise", target=assessment, before=before, after=after, at=at)
    return assessment


@transaction.atomic
def round_close_self_assessment(
    *, round: AssessmentRound, actor: AbstractBaseUser | None, at: datetime
) -> AssessmentRound:
    """End the self-assessment phase (OPEN → APPRAISAL): no more self-scores or submissions.

    One audit event ``par.round.close``."""
    round_ = _lock_round(round.pk)
    _require_member(actor, round_.appraiser, local_day(at), "đóng phần tự đánh giá")
    if round_.status != RoundStatus.OPEN:
        raise ParError(ParErrorCode.ROUND_STATUS, "Đợt đánh giá không còn ở giai đoạn tự đánh giá.")
    before = audit_snapshot(round_, ["status"])
    round_.status = RoundStatus.APPRAISAL
    round_.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="par.round.close",
        target=round_,
        before=before,
        after=audit_snapshot(round_, ["status"]),
        at=at,
    )
    return round_


@transaction.atomic
def round_finalise(*, round: AssessmentRound, actor: AbstractBaseUser | None, at: datetime) -> AssessmentRound:
    """Publish the round's results (APPRAISAL → FINALISED).

    Rule: every submitted assessment has been appraised to the end (``par.incomplete``); agencies
    that never submitted stay "không nộp" and are listed without a grade. One audit event
    ``par.round.finalise``.
    """
    round_ = _lock_round(round.pk)
    _require_member(actor, round_.appraiser, local_day(at), "công bố kết quả")
    if round_.status != RoundStatus.APPRAISAL:
        raise ParError(ParErrorCode.ROUND_STATUS, "Chỉ công bố kết quả sau khi đã đóng phần tự đánh giá.")
    pending = list(
        round_.assessments.filter(status=AssessmentStatus.SUBMITTED)
        .order_by("agency__name")
        .values_list("agency__name", flat=True)
    )
    if pending:
        raise ParError(ParErrorCode.INCOMPLETE, f"Chưa thẩm định xong: {', '.join(pending)}.")
    before = audit_snapshot(round_, ["status"])
    round_.status = RoundStatus.FINALISED
    round_.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="par.round.finalise",
        target=round_,
        before=before,
        after=audit_snapshot(round_, ["status"]),
        at=at,
    )
    return round_

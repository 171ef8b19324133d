"""Writes of the satisfaction surveys: questionnaire import, campaigns, responses. One audit event each.

legal: the Đề án đo lường sự hài lòng (QĐ 2640/QĐ-BNV 2017; QĐ 1001/QĐ-BNV 2023 for 2023-2026) asks each
province to measure satisfaction with the service of its administrative agencies; the questionnaires,
samples and the aggregation here are the province's own implementation (``docs/surveys.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import audit_record, audit_snapshot
from cchc.catalogue.models import Field, Procedure
from cchc.common.params import int_or_none
from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.surveys.constants import (
    RESERVED_CODES,
    CampaignStatus,
    Likert,
    RespondentKind,
    ResponseChannel,
    SurveyErrorCode,
)
from cchc.surveys.errors import SurveyError
from cchc.surveys.models import Answer, Campaign, Factor, Question, Questionnaire, Response
from cchc.surveys.spec import QuestionnaireSpec, parse_questionnaire

SHIPPED_QUESTIONNAIRE = Path(__file__).resolve().parent / "data" / "sipas-mot-cua.json"
COMMENT_MAX = 2000


def _check_at(at: datetime) -> None:
    if timezone.is_naive(at):
        raise ValueError("at phải là thời điểm có múi giờ (aware datetime).")


# --- questionnaires -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireImportResult:
    questionnaire: Questionnaire
    created: bool

    def summary(self) -> str:
        q = self.questionnaire
        if self.created:
            return f"Đã nạp bộ câu hỏi «{q.code}» phiên bản {q.version}."
        return f"Bộ câu hỏi «{q.code}» phiên bản {q.version} đã có, đúng với tệp; không có thay đổi."


@transaction.atomic
def questionnaire_import(
    *, data: Any, at: datetime, actor: AbstractBaseUser | None = None
) -> QuestionnaireImportResult:
    """Load one questionnaire version (factors and criteria) from its ``cchc-questionnaire`` document.

    Rules: a version is immutable once loaded, since responses point at its criteria; the same file loaded
    again changes nothing (idempotency: same code, version and content hash); a different content under an
    existing code and version is refused (``surveys.version_conflict``: raise the version). An invalid file
    is refused with the JSON path of the problem (``surveys.invalid_questionnaire``) and nothing is written.
    legal: the five factors of QĐ 2640/QĐ-BNV; the wording source of each item is stored (``Wording``).
    Audit: ``survey_questionnaire.import``.
    """
    _check_at(at)
    spec = parse_questionnaire(data)
    digest = spec.content_hash()
    existing = Questionnaire.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.content_hash == digest:
            return QuestionnaireImportResult(questionnaire=existing, created=False)
        raise SurveyError(
            SurveyErrorCode.VERSION_CONFLICT,
            f"Bộ câu hỏi «{spec.code}» phiên bản {spec.version} đã có với nội dung khác; "
            "hãy tăng «version» khi sửa bộ câu hỏi (phiếu đã thu gắn với phiên bản cũ).",
            where="version",
        )
    questionnaire = _questionnaire_create(spec=spec, digest=digest, at=at)
    after = audit_snapshot(questionnaire, ["code", "version", "name", "content_hash"])
    after["factors"] = {f.code: [q.code for q in f.questions] for f in spec.factors}
    audit_record(
        actor=actor, action="survey_questionnaire.import", target=questionnaire, before=None, after=after, at=at
    )
    return QuestionnaireImportResult(questionnaire=questionnaire, created=True)


def _questionnaire_create(*, spec: QuestionnaireSpec, digest: str, at: datetime) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        code=spec.code,
        version=spec.version,
        name=spec.name,
        legal_basis=spec.legal_basis,
        method_note=spec.method_note,
        scale=[{"value": value, "label": label} for value, label in spec.scale],
        content_hash=digest,
        imported_at=at,
    )
    factors = Factor.objects.bulk_create(
        Factor(questionnaire=questionnaire, order=i, code=f.code, name=f.name, wording=f.wording)
        for i, f in enumerate(spec.factors, start=1)
    )
    Question.objects.bulk_create(
        Question(factor=factor, order=j, code=q.code, text=q.text, required=q.required, wording=q.wording)
        for factor, f in zip(factors, spec.factors, strict=True)
        for j, q in enumerate(f.questions, start=1)
    )
    return questionnaire


def questionnaire_import_file(
    *, path: Path, at: datetime, actor: AbstractBaseUser | None = None
) -> QuestionnaireImportResult:
    """Read a JSON file and import it (see :func:`questionnaire_import`); unreadable JSON is refused with its
    line and column."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SurveyError(
            SurveyErrorCode.INVALID_QUESTIONNAIRE,
            f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}.",
            where=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SurveyError(
            SurveyErrorCode.INVALID_QUESTIONNAIRE, f"Không đọc được tệp: {exc}.", where=str(path)
        ) from None
    return questionnaire_import(data=data, at=at, actor=actor)


# --- campaigns ------------------------------------------------------------------------------------


def _campaign_invalid(message: str, field: str) -> SurveyError:
    return SurveyError(SurveyErrorCode.INVALID_CAMPAIGN, message, problems={field: message})


@transaction.atomic
def campaign_create(
    *,
    code: str,
    name: str,
    questionnaire: Questionnaire,
    starts_on: date,
    ends_on: date,
    sample_target: int,
    agencies: Iterable[Agency] = (),
    fields: Iterable[Field] = (),
    levels: Sequence[str] = (),
    actor: AbstractBaseUser | None,
    at: datetime,
) -> Campaign:
    """Open a survey campaign (đợt khảo sát) over a period, a scope and a sample target.

    Rules: the code is unique and not one of the page words of /khao-sat/; the period ends on or after it
    starts; the sample target is at least 1; an empty scope list means "all" (all agencies, fields, levels);
    levels are ``cchc.org`` levels. legal: QĐ 2640/QĐ-BNV sets sample quotas per level (e.g. a province
    several thousand forms a year); the target here is the province's own choice.
    Audit: ``survey_campaign.create``.
    """
    _check_at(at)
    code = code.strip()
    name = " ".join(name.split())
    if not code or code in RESERVED_CODES or Campaign.objects.filter(code=code).exists():
        raise _campaign_invalid(f"Mã đợt «{code}» đã được dùng hoặc không hợp lệ; chọn mã khác.", "code")
    if not name:
        raise _campaign_invalid("Vui lòng nhập tên đợt khảo sát.", "name")
    if ends_on < starts_on:
        raise _campaign_invalid("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.", "ends_on")
    if sample_target < 1:
        raise _campaign_invalid("Cỡ mẫu dự kiến phải ít nhất 1 phiếu.", "sample_target")
    bad_levels = [level for level in levels if level not in Level.values]
    if bad_levels:
        raise _campaign_invalid(f"Cấp không hợp lệ: {', '.join(bad_levels)}.", "levels")
    campaign = Campaign.objects.create(
        code=code,
        name=name,
        questionnaire=questionnaire,
        starts_on=starts_on,
        ends_on=ends_on,
        sample_target=sample_target,
        levels=[level.value for level in Level if level.value in set(levels)],
        status=CampaignStatus.OPEN,
        created_at=at,
    )
    agency_list, field_list = list(agencies), list(fields)
    campaign.agencies.set(agency_list)
    campaign.fields.set(field_list)
    after = audit_snapshot(campaign)
    after["agencies"] = sorted(a.code for a in agency_list)
    after["fields"] = sorted(f.code for f in field_list)
    audit_record(actor=actor, action="survey_campaign.create", target=campaign, before=None, after=after, at=at)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: AbstractBaseUser | None, at: datetime) -> Campaign:
    """Close a campaign: no more responses, by link or by staff entry. Closing twice is refused.

    Audit: ``survey_campaign.close``.
    """
    _check_at(at)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.CLOSED:
        raise SurveyError(SurveyErrorCode.CAMPAIGN_CLOSED, "Đợt khảo sát này đã kết thúc.")
    before = audit_snapshot(locked, ["status"])
    locked.status = CampaignStatus.CLOSED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="survey_campaign.close",
        target=locked,
        before=before,
        after={"status": locked.status},
        at=at,
    )
    return locked


# --- responses ------------------------------------------------------------------------------------


def campaign_accepts(*, campaign: Campaign, channel: str, at: datetime) -> str:
    """Why ``campaign`` does not take a response now through ``channel`` ("" when it does).

    A respondent answers online only inside the period; staff may still enter paper forms collected in the
    period after it ended, until the campaign is closed.
    """
    today = timezone.localdate(at)
    if campaign.status != CampaignStatus.OPEN:
        return "Đợt khảo sát này đã kết thúc; không nhận thêm phiếu."
    if today < campaign.starts_on:
        return f"Đợt khảo sát bắt đầu từ ngày {campaign.starts_on:%d/%m/%Y}."
    if channel == ResponseChannel.ONLINE and today > campaign.ends_on:
        return f"Đợt khảo sát đã hết hạn trả lời trực tuyến (đến hết ngày {campaign.ends_on:%d/%m/%Y})."
    return ""


def _parse_value(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return -1
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):  # ASCII digits only ("²" passes str.isdigit() but not int())
        value = int_or_none(raw)
        return -1 if value is None else value
    return -1


@transaction.atomic
def response_submit(
    *,
    campaign: Campaign,
    channel: str,
    agency: Agency,
    answers: Mapping[str, object],
    field: Field | None = None,
    procedure: Procedure | None = None,
    respondent_kind: str = RespondentKind.CITIZEN,
    comment: str = "",
    actor: AbstractBaseUser | None = None,
    at: datetime,
) -> Response:
    """Record one questionnaire: the agency (and field / procedure) it is about and the answers.

    Rules: the campaign takes responses (see :func:`campaign_accepts`); the agency is in force on the day and
    inside the campaign's scope (agencies, fields, levels); the level is the agency's; a procedure sets the
    field; every required criterion is answered and every answer is a value of the scale (1-5); answers to
    unknown criteria are refused. ``answers`` maps criterion codes to values (ints or digit strings; ""
    or None = not answered). Invalid input raises ``surveys.invalid_response`` with one Vietnamese message
    per question (``problems``) and nothing is saved. A paper form is entered by ``actor`` (staff).
    legal: QĐ 2640/QĐ-BNV, the 5 factors and their criteria on a fixed answer scale.
    Audit: ``survey_response.submit``.
    """
    _check_at(at)
    if channel not in ResponseChannel.values:
        raise ValueError(f"Kênh không hợp lệ: {channel}")
    locked = Campaign.objects.select_for_update().select_related("questionnaire").get(pk=campaign.pk)
    refusal = campaign_accepts(campaign=locked, channel=channel, at=at)
    if refusal:
        raise SurveyError(SurveyErrorCode.CAMPAIGN_CLOSED, refusal)
    problems: dict[str, str] = {}
    if respondent_kind not in RespondentKind.values:
        problems["respondent_kind"] = "Vui lòng chọn người trả lời là người dân hay tổ chức."
    today = timezone.localdate(at)
    if not Agency.objects.valid_on(today).filter(pk=agency.pk).exists():
        problems["agency"] = f"Cơ quan «{agency.name}» không còn hoạt động vào ngày {today:%d/%m/%Y}."
    else:
        scope = list(locked.agencies.values_list("pk", flat=True))
        if scope and agency.pk not in scope:
            problems["agency"] = f"Cơ quan «{agency.name}» không thuộc phạm vi đợt khảo sát này."
        elif locked.levels and agency.level not in locked.levels:
            problems["agency"] = (
                f"Đợt khảo sát này chỉ khảo sát {', '.join(locked.level_labels).lower()}; "
                f"«{agency.name}» thuộc {agency.get_level_display().lower()}."
            )
    if procedure is not None:
        if field is not None and field.pk != procedure.field_id:
            problems["field"] = f"Thủ tục «{procedure.name}» không thuộc lĩnh vực «{field.name}»."
        field = procedure.field
    scope_fields = list(locked.fields.values_list("pk", flat=True))
    if scope_fields:
        if field is None:
            problems.setdefault("field", "Vui lòng chọn lĩnh vực của thủ tục đã thực hiện.")
        elif field.pk not in scope_fields:
            problems.setdefault("field", f"Lĩnh vực «{field.name}» không thuộc phạm vi đợt khảo sát này.")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        problems["comment"] = "Ý kiến tối đa 2.000 ký tự."

    questions = list(
        Question.objects.filter(factor__questionnaire_id=locked.questionnaire_id).order_by("factor__order", "order")
    )
    by_code = {q.code: q for q in questions}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        problems["answers"] = f"Phiếu có câu trả lời cho tiêu chí không có trong bộ câu hỏi: {', '.join(unknown)}."
    valid_values = set(Likert.values)
    values: dict[int, int] = {}
    for number, question in enumerate(questions, start=1):
        value = _parse_value(answers.get(question.code))
        if value is None:
            if question.required:
                problems[question.code] = f"Vui lòng chọn mức độ hài lòng cho câu {number}: «{question.text}»."
        elif value not in valid_values:
            problems[question.code] = f"Câu {number}: mức trả lời phải từ 1 đến 5."
        else:
            values[question.pk] = value
    if problems:
        count = len(problems)
        raise SurveyError(
            SurveyErrorCode.INVALID_RESPONSE,
            f"Phiếu chưa hợp lệ ({count} chỗ cần sửa); chưa ghi nhận phiếu.",
            problems=problems,
        )

    entered_by = actor if channel == ResponseChannel.PAPER and actor is not None and actor.is_authenticated else None
    response = Response.objects.create(
        campaign=locked,
        channel=channel,
        respondent_kind=respondent_kind,
        agency=agency,
        field=field,
        procedure=procedure,
        level=agency.level,
        comment=comment,
        submitted_at=at,
        entered_by=entered_by,  # type: ignore[misc]  # any user model
    )
    Answer.objects.bulk_create(Answer(response=response, question_id=pk, value=v) for pk, v in values.items())
    after = audit_snapshot(
        response, ["campaign", "channel", "respondent_kind", "agency", "field", "procedure", "level"]
    )
    after["answers"] = {by_pk.code: values[by_pk.pk] for by_pk in questions if by_pk.pk in values}
    audit_record(actor=actor, action="survey_response.submit", target=response, before=None, after=after, at=at)
    return response

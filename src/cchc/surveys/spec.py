"""The questionnaire file (``cchc-questionnaire`` JSON): parsing and validation, no database access.

A refused file raises :class:`SurveyError` with the JSON path of the first problem, so an administrator can
find it; the import service writes nothing in that case.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from cchc.surveys.constants import Likert, SurveyErrorCode, Wording
from cchc.surveys.errors import SurveyError

FORMAT = "cchc-questionnaire"
FORMAT_VERSION = 1
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    required: bool
    wording: str


@dataclass(frozen=True)
class FactorSpec:
    code: str
    name: str
    wording: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class QuestionnaireSpec:
    code: str
    version: int
    name: str
    legal_basis: str
    method_note: str
    scale: tuple[tuple[int, str], ...]
    factors: tuple[FactorSpec, ...]

    def content_hash(self) -> str:
        canonical = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_data(self) -> dict[str, Any]:
        """The file form (the inverse of :func:`parse_questionnaire`)."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "code": self.code,
            "version": self.version,
            "name": self.name,
            "legal_basis": self.legal_basis,
            "method_note": self.method_note,
            "scale": [{"value": value, "label": label} for value, label in self.scale],
            "factors": [
                {
                    "code": factor.code,
                    "name": factor.name,
                    "wording": factor.wording,
                    "questions": [
                        {"code": q.code, "text": q.text, "required": q.required, "wording": q.wording}
                        for q in factor.questions
                    ],
                }
                for factor in self.factors
            ],
        }


def _fail(message: str, where: str) -> SurveyError:
    return SurveyError(SurveyErrorCode.INVALID_QUESTIONNAIRE, message, where=where)


def _text(obj: dict[str, Any], key: str, where: str, *, required: bool = True, max_length: int = 500) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise _fail(f"«{key}» phải là chuỗi ký tự.", f"{where}.{key}")
    value = " ".join(value.split())
    if required and not value:
        raise _fail(f"Thiếu «{key}».", f"{where}.{key}")
    if len(value) > max_length:
        raise _fail(f"«{key}» dài quá {max_length} ký tự.", f"{where}.{key}")
    return value


def _slug(obj: dict[str, Any], key: str, where: str) -> str:
    value = _text(obj, key, where, max_length=80)
    if not _SLUG.match(value):
        raise _fail(f"Mã «{value}» chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.", f"{where}.{key}")
    return value


def _wording(obj: dict[str, Any], where: str) -> str:
    value = obj.get("wording", Wording.OURS.value)
    if value not in Wording.values:
        raise _fail(f"«wording» phải là một trong {', '.join(Wording.values)}.", f"{where}.wording")
    return str(value)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail("Phải là một đối tượng JSON.", where)
    return value


def _scale(value: Any) -> tuple[tuple[int, str], ...]:
    expected = [choice.value for choice in Likert]
    if not isinstance(value, list) or [item.get("value") if isinstance(item, dict) else None for item in value] != (
        expected
    ):
        raise _fail("Thang trả lời phải có đúng 5 mức, giá trị 1, 2, 3, 4, 5 theo thứ tự.", "scale")
    return tuple(
        (int(item["value"]), _text(item, "label", f"scale[{i}]", max_length=100)) for i, item in enumerate(value)
    )


def parse_questionnaire(data: Any) -> QuestionnaireSpec:
    """Validate a questionnaire document and return its normalised form."""
    root = _object(data, "$")
    if root.get("format") != FORMAT or root.get("format_version") != FORMAT_VERSION:
        raise _fail(f"Tệp không phải bộ câu hỏi (cần «format»: «{FORMAT}», «format_version»: {FORMAT_VERSION}).", "$")
    version = root.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 32767:
        raise _fail("«version» phải là số nguyên dương.", "version")
    raw_factors = root.get("factors")
    if not isinstance(raw_factors, list) or not raw_factors:
        raise _fail("Bộ câu hỏi phải có ít nhất một yếu tố («factors»).", "factors")
    factors: list[FactorSpec] = []
    factor_codes: set[str] = set()
    question_codes: set[str] = set()
    for i, raw in enumerate(raw_factors):
        where = f"factors[{i}]"
        item = _object(raw, where)
        code = _slug(item, "code", where)
        if code in factor_codes:
            raise _fail(f"Mã yếu tố «{code}» bị trùng.", f"{where}.code")
        factor_codes.add(code)
        raw_questions = item.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            raise _fail("Mỗi yếu tố phải có ít nhất một tiêu chí («questions»).", f"{where}.questions")
        questions: list[QuestionSpec] = []
        for j, raw_q in enumerate(raw_questions):
            q_where = f"{where}.questions[{j}]"
            q = _object(raw_q, q_where)
            q_code = _slug(q, "code", q_where)
            if q_code in question_codes:
                raise _fail(f"Mã tiêu chí «{q_code}» bị trùng.", f"{q_where}.code")
            question_codes.add(q_code)
            required = q.get("required", True)
            if not isinstance(required, bool):
                raise _fail("«required» phải là true hoặc false.", f"{q_where}.required")
            questions.append(
                QuestionSpec(
                    code=q_code, text=_text(q, "text", q_where), required=required, wording=_wording(q, q_where)
                )
            )
        factors.append(
            FactorSpec(
                code=code,
                name=_text(item, "name", where, max_length=300),
                wording=_wording(item, where),
                questions=tuple(questions),
            )
        )
    return QuestionnaireSpec(
        code=_slug(root, "code", "$"),
        version=version,
        name=_text(root, "name", "$", max_length=300),
        legal_basis=_text(root, "legal_basis", "$", max_length=2000),
        method_note=_text(root, "method_note", "$", required=False, max_length=4000),
        scale=_scale(root.get("scale")),
        factors=tuple(factors),
    )

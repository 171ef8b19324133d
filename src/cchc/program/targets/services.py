"""Writes of the program's target measurement: linking targets to measures, entering manual values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction

from cchc.audit.services import audit_record
from cchc.common.text import fold_words
from cchc.indicators.constants import IndicatorError
from cchc.indicators.periods import VN_TZ, period_parse
from cchc.org.models import Agency
from cchc.program.constants import Comparator, MeasureKind, TargetValueError, TargetValueErrorCode
from cchc.program.models import MeasureSeries, Program, Target, TargetLink, TargetValue
from cchc.program.targets.evidence import evidence_check
from cchc.program.targets.rules import BY_KEY, Rule, rules_matching
from cchc.program.targets.selectors import target_value_entry_agency

# --- linking ---------------------------------------------------------------------------------------


@dataclass
class LinkReport:
    """What a link run found: linked targets, and those it would not guess."""

    program: Program
    linked: list[tuple[str, str]] = field(default_factory=list)  # (target code, series key)
    created: int = 0
    updated: int = 0
    by_hand: list[str] = field(default_factory=list)  # links set in the admin, kept as they are
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (code, metric)
    ambiguous: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (code, metric, rule keys)
    orphans: list[str] = field(default_factory=list)  # links of codes no longer in the program (kept)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        out = [
            f"{self.program.number}: {len(self.linked)} chỉ tiêu đã liên kết ({self.created} mới, {self.updated} "
            f"cập nhật), {len(self.by_hand)} liên kết đặt tay giữ nguyên."
        ]
        out.append(f"  Chưa khớp quy tắc nào: {len(self.unmatched)}")
        out.extend(f"    {code}: {metric}" for code, metric in self.unmatched)
        out.append(f"  Khớp nhiều quy tắc (không tự chọn): {len(self.ambiguous)}")
        out.extend(f"    {code}: {metric} [{', '.join(keys)}]" for code, metric, keys in self.ambiguous)
        if self.orphans:
            out.append(f"  Liên kết của chỉ tiêu không còn trong văn bản (giữ lại): {', '.join(self.orphans)}")
        return out


def _series_values(rule: Rule, targets: list[Target], agency: Agency | None) -> dict[str, Any]:
    fields: list[str] = []
    for target in targets:
        fields.extend(f for f in target.fields if f not in fields)
    return {
        "name": rule.name,
        "kind": rule.kind.value,
        "measure_code": rule.measure_code,
        "field_names": fields if rule.needs_fields else [],
        "gov_level": rule.gov_level,
        "responsible_agency_id": agency.pk if agency is not None else None,
        "note": rule.note,
    }


@transaction.atomic
def target_links_sync(*, program: Program, at: datetime, actor: AbstractBaseUser | None = None) -> LinkReport:
    """Link every quantitative target of ``program`` to the series measuring it, by the rules of
    :mod:`cchc.program.targets.rules`.

    Rule: a target is linked when exactly one rule matches its metric (accent-insensitive); targets no
    rule or several rules match are reported, not guessed. Links set by hand (``rule_key`` empty) are
    kept; links of codes gone from a revised text are kept (their values too) and reported. Idempotent:
    a second run writes nothing. The responsible agency is the one of the rule, as registered on the
    program's issue date (the successor carrying its duty today is resolved when reading). Legal basis:
    the targets are those of the program decision (for Khánh Hòa QĐ 4831/QĐ-UBND, section II); the
    QĐ 766/QĐ-TTg indicators measure the matching service targets. Audit: one ``program.link_targets``
    event when something changed.
    """
    report = LinkReport(program=program)
    targets = list(Target.objects.filter(program=program).order_by("area__number", "milestone_year", "order"))
    links = {
        link.target_code: link
        for link in TargetLink.objects.select_for_update().select_related("series").filter(program=program)
    }
    series_by_key = {s.key: s for s in MeasureSeries.objects.filter(program=program)}
    before = {code: link.series.key for code, link in links.items()}

    chosen: dict[str, Rule] = {}
    for target in targets:
        link = links.get(target.code)
        if link is not None and not link.rule_key:
            report.by_hand.append(target.code)
            continue
        rules = rules_matching(metric=target.metric, fields=list(target.fields), gov_level=target.gov_level)
        if len(rules) == 1:
            chosen[target.code] = rules[0]
        elif not rules:
            report.unmatched.append((target.code, target.metric))
        else:
            report.ambiguous.append((target.code, target.metric, [r.key for r in rules]))

    targets_of_rule: dict[str, list[Target]] = {}
    for target in targets:
        if target.code in chosen:
            targets_of_rule.setdefault(chosen[target.code].key, []).append(target)
    agency_codes = {BY_KEY[key].agency for key in targets_of_rule if BY_KEY[key].agency}
    agencies = {a.code: a for a in Agency.objects.valid_on(program.issued_on).filter(code__in=agency_codes)}

    for key, rule_targets in targets_of_rule.items():
        rule = BY_KEY[key]
        values = _series_values(rule, rule_targets, agencies.get(rule.agency))
        series = series_by_key.get(key)
        if series is None:
            series = MeasureSeries.objects.create(program=program, key=key, **values)
            series_by_key[key] = series
        elif any(getattr(series, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(series, name, value)
            series.save()
            report.updated += 1
        for target in rule_targets:
            metric = fold_words(target.metric)
            link = links.get(target.code)
            if link is None:
                links[target.code] = TargetLink.objects.create(
                    program=program,
                    target_code=target.code,
                    series=series,
                    matched_metric=metric,
                    rule_key=key,
                    linked_at=at,
                )
                report.created += 1
            elif (link.series_id, link.matched_metric, link.rule_key) != (series.pk, metric, key):
                link.series, link.matched_metric, link.rule_key, link.linked_at = series, metric, key, at
                link.save()
                report.updated += 1
            report.linked.append((target.code, key))
    codes = {t.code for t in targets}
    report.orphans = sorted(code for code in links if code not in codes)
    if report.changed:
        audit_record(
            actor=actor,
            action="program.link_targets",
            target=program,
            before={"links": before},
            after={
                "links": dict(report.linked),
                "unmatched": [code for code, _ in report.unmatched],
                "ambiguous": [code for code, _, _ in report.ambiguous],
            },
            at=at,
        )
    return report


# --- manual values ---------------------------------------------------------------------------------


def _bounds(series: MeasureSeries) -> tuple[Decimal, Decimal, str]:
    """The accepted range of a series' values, by the comparators of its targets."""
    comparators = set(
        Target.objects.filter(program_id=series.program_id, code__in=series.links.values("target_code")).values_list(
            "comparator", flat=True
        )
    )
    if Comparator.REDUCE_BY in comparators:
        return Decimal(-1000), Decimal(100), "mức giảm (%) từ -1000 đến 100 (số âm: tăng)"
    if Comparator.INCREASE_BY in comparators:
        return Decimal(-100), Decimal(1000), "mức tăng (%) từ -100 đến 1000 (số âm: giảm)"
    return Decimal(0), Decimal(100), "tỷ lệ phần trăm từ 0 đến 100"


def _parse_value(raw: Decimal | str, series: MeasureSeries) -> Decimal:
    low, high, words = _bounds(series)
    try:
        value = Decimal(str(raw).strip().replace(",", ".")) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise TargetValueError(
            TargetValueErrorCode.INVALID_VALUE, f"Giá trị «{raw}» không phải là số; nhập {words}.", field="value"
        )
    if not low <= value <= high:
        raise TargetValueError(
            TargetValueErrorCode.INVALID_VALUE, f"Giá trị {raw} nằm ngoài khoảng cho phép: {words}.", field="value"
        )
    if value != value.quantize(Decimal("0.01")):
        raise TargetValueError(
            TargetValueErrorCode.INVALID_VALUE, "Giá trị chỉ được có tối đa 2 chữ số thập phân.", field="value"
        )
    return value


@transaction.atomic
def target_value_record(
    *,
    series: MeasureSeries,
    actor: AbstractBaseUser,
    period: str,
    value: Decimal | str,
    at: datetime,
    evidence: Any | None = None,
    document_number: str = "",
    note: str = "",
    corrects: TargetValue | None = None,
) -> TargetValue:
    """Record a value of a manual series for a period, with its evidence; or correct an earlier value.

    Rule: only manual series take values; the actor must act for the responsible agency (or its
    successor today) or for Sở Nội vụ (:func:`~cchc.program.targets.selectors.target_value_entry_agency`;
    Điều 2 QĐ 4831/QĐ-UBND: Sở Nội vụ advises on and checks the program's execution); the period is a
    year, half-year, quarter, month or day range that has begun; the value is a share in 0..100 %
    (a reduction / increase in % for "giảm / tăng ... so với" targets), at most 2 decimals; evidence
    is a file (PDF, JPEG, PNG, DOCX, XLSX, checked by content) and/or the number of the document that
    publishes the figure. A correction is a new value superseding the old one, with its reason in
    ``note``; the old value stays in the history, nothing is overwritten. Any refusal raises
    :class:`TargetValueError` and writes nothing. Audit: ``program.target_value_record`` or
    ``program.target_value_correct``.
    """
    if series.kind != MeasureKind.MANUAL:
        raise TargetValueError(
            TargetValueErrorCode.NOT_MANUAL, f"«{series.name}» được tính tự động từ dữ liệu, không nhập tay."
        )
    today: date = at.astimezone(VN_TZ).date()
    agency = target_value_entry_agency(user=actor, series=series, on=today)
    if agency is None:
        raise TargetValueError(
            TargetValueErrorCode.NOT_PERMITTED,
            "Chỉ cán bộ của cơ quan phụ trách chỉ tiêu hoặc của Sở Nội vụ được nhập số liệu này.",
        )
    try:
        parsed = period_parse(period)
    except IndicatorError as exc:
        raise TargetValueError(TargetValueErrorCode.INVALID_PERIOD, exc.message, field="period") from None
    if parsed.first > today:
        raise TargetValueError(
            TargetValueErrorCode.INVALID_PERIOD, f"Kỳ {parsed.label} chưa bắt đầu, chưa thể có số liệu.", field="period"
        )
    number = _parse_value(value, series)
    document_number = document_number.strip()[:100]
    note = note.strip()
    checked = evidence_check(file=evidence) if evidence is not None else None
    if checked is None and not document_number:
        raise TargetValueError(
            TargetValueErrorCode.NO_EVIDENCE,
            "Cần có minh chứng: tải lên tệp (PDF, ảnh, Word, Excel) hoặc ghi số, ký hiệu văn bản công bố số liệu.",
            field="evidence",
        )
    if corrects is not None:
        corrects = TargetValue.objects.select_for_update().get(pk=corrects.pk)
        if corrects.series_id != series.pk:
            raise TargetValueError(
                TargetValueErrorCode.INVALID_VALUE, "Giá trị cần đính chính không thuộc chỉ tiêu này."
            )
        if TargetValue.objects.filter(supersedes=corrects).exists():
            raise TargetValueError(
                TargetValueErrorCode.ALREADY_CORRECTED,
                "Giá trị này đã được đính chính; hãy đính chính giá trị mới nhất.",
            )
        if not note:
            raise TargetValueError(
                TargetValueErrorCode.NOTE_REQUIRED,
                "Đính chính số liệu phải ghi rõ lý do trong phần ghi chú.",
                field="note",
            )
    row = TargetValue(
        series=series,
        period_key=parsed.key,
        period_first=parsed.first,
        period_last=parsed.last,
        value=number,
        document_number=document_number,
        note=note,
        agency=agency,
        entered_by_id=actor.pk,
        entered_at=at,
        supersedes=corrects,
    )
    if checked is not None:
        row.evidence_name = checked.original_name
        row.evidence_type = checked.content_type
        row.evidence_extension = checked.extension
        row.evidence_size = checked.size
        row.evidence_sha256 = checked.sha256
        row.evidence.save(checked.original_name, File(checked.file), save=False)
    row.save()
    audit_record(
        actor=actor,
        action="program.target_value_correct" if corrects is not None else "program.target_value_record",
        target=row,
        before=None
        if corrects is None
        else {"id": corrects.pk, "period": corrects.period_key, "value": corrects.value},
        after={
            "series": series.key,
            "period": row.period_key,
            "value": row.value,
            "agency": agency.code,
            "document_number": row.document_number,
            "evidence_sha256": row.evidence_sha256,
        },
        at=at,
    )
    return row

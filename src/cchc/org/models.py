"""Administrative units and agencies with validity periods and succession.

Validity is a half-open interval ``[valid_from, valid_to)``: a record is valid on day D when
``valid_from <= D`` (or valid_from is unknown) and ``D < valid_to`` (or valid_to is empty).
A new unit may reuse an old unit's code (the merged Khánh Hòa keeps code 56), so records are keyed
on code and validity start, never on code alone.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cchc.common.text import fold
from cchc.org.constants import AgencyKind, Confidence, Level, SuccessionKind, UnitKind


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> ValidityQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )


class ValidityPeriod(models.Model):
    """A half-open validity ``[valid_from, valid_to)``; an empty bound is open (unknown start, still valid)."""

    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hết hiệu lực từ", null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


class SuccessionEdge(models.Model):
    """What every succession edge records: how, from when, on what legal basis, how surely.

    Concrete edges add ``predecessor`` and ``successor`` (an empty successor: abolished without one).
    """

    kind = models.CharField("hình thức", max_length=20, choices=SuccessionKind.choices)
    effective_date = models.DateField("ngày có hiệu lực")
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500)
    confidence = models.CharField("độ tin cậy", max_length=20, choices=Confidence.choices, default=Confidence.CONFIRMED)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        target = self.successor.name if self.successor else "—"  # type: ignore[attr-defined]
        return f"{self.predecessor} → {target} ({self.effective_date:%d/%m/%Y})"  # type: ignore[attr-defined]


class AdministrativeUnit(ValidityPeriod):
    """Đơn vị hành chính: province, district (historical since 1/7/2025) or commune level."""

    code = models.CharField("mã", max_length=10, blank=True, db_index=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="trực thuộc", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                condition=~Q(code="") & Q(valid_from__isnull=False),
                name="org_unit_code_valid_from_uniq",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code="") & Q(valid_from__isnull=True),
                name="org_unit_code_open_start_uniq",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_unit_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class UnitSuccession(SuccessionEdge):
    """One edge of the unit succession graph: predecessor -> successor on an effective date."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, verbose_name="đơn vị trước", on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="successions_in",
    )
    partial = models.BooleanField("một phần", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kế thừa đơn vị hành chính"
        verbose_name_plural = "kế thừa đơn vị hành chính"
        ordering = ["effective_date", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_date"], name="org_unit_succession_uniq"
            ),
        ]


class Agency(ValidityPeriod):
    """Cơ quan, đơn vị: People's Committees, departments, central branches, service centres ...

    ``code`` is the registry's own stable key (e.g. ``so-noi-vu``); the official name may change
    while a successor record carries the duties on.
    """

    code = models.SlugField("mã", max_length=80)
    name = models.CharField("tên", max_length=300)
    short_name = models.CharField("tên viết tắt", max_length=50, blank=True)
    aliases = models.JSONField("tên gọi khác", default=list, blank=True)
    kind = models.CharField("loại", max_length=30, choices=AgencyKind.choices)
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="địa bàn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    confidence = models.CharField("độ tin cậy", max_length=20, choices=Confidence.choices, default=Confidence.CONFIRMED)
    review_note = models.TextField("cần rà soát", blank=True)
    source = models.CharField("nguồn", max_length=500, blank=True)
    search_key = models.CharField(max_length=400, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["level", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], condition=Q(valid_from__isnull=False), name="org_agency_code_from_uniq"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_from__isnull=True), name="org_agency_code_open_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_agency_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(" ".join([self.name, self.short_name, *self.aliases]))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AgencySuccession(SuccessionEdge):
    """One edge of the agency succession graph, with what moved (all duties, or named functions)."""

    predecessor = models.ForeignKey(
        Agency, verbose_name="cơ quan trước", on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name="cơ quan kế thừa",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="successions_in",
    )
    partial = models.BooleanField("một phần chức năng", default=False)
    functions = models.CharField("chức năng chuyển giao", max_length=500, blank=True)
    source = models.CharField("nguồn", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kế thừa cơ quan"
        verbose_name_plural = "kế thừa cơ quan"
        ordering = ["effective_date", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_date"], name="org_agency_succession_uniq"
            ),
        ]


class AgencyGroup(models.Model):
    """A collective reference such as "các sở, ban, ngành" or "UBND các huyện, thị xã, thành phố".

    Defined by agency kinds and levels, it expands to its members on any date
    (see ``cchc.org.selectors.agency_group_members``). When ``clauses`` is set, membership is the
    union of its clauses, each ``{"kinds": [...], "levels": [...]}`` or ``{"codes": [...]}``
    (agency codes); otherwise it is every agency whose kind is in ``kinds`` and level in ``levels``.
    ``scope_unit_code`` limits members to agencies whose unit is that province (by code) or lies
    inside it, so "UBND cấp huyện" of Khánh Hòa leaves out Ninh Thuận's districts before 1/7/2025.
    """

    code = models.SlugField("mã", max_length=80, unique=True)
    name = models.CharField("tên", max_length=300)
    kinds = models.JSONField("loại cơ quan", default=list)
    levels = models.JSONField("cấp", default=list)
    clauses = models.JSONField("điều kiện thành viên", default=list, blank=True)
    scope_unit_code = models.CharField("phạm vi (mã tỉnh)", max_length=10, blank=True)
    aliases = models.JSONField("cách gọi trong văn bản", default=list, blank=True)
    description = models.TextField("mô tả", blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhóm cơ quan"
        verbose_name_plural = "nhóm cơ quan"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(" ".join([self.name, *self.aliases]))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

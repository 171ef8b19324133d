"""Administrative units and agencies with validity periods and succession.

Validity is a half-open interval ``[valid_from, valid_to)``: a record is valid on day D when
``valid_from <= D`` (or valid_from is unknown) and ``D < valid_to`` (or valid_to is empty).
A new unit may reuse an old unit's code (the merged Khánh Hòa keeps code 56), so records are keyed
on code and validity start, never on code alone.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
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
    document_symbol = models.CharField(
        "chữ viết tắt tên cơ quan trên văn bản",
        max_length=30,
        blank=True,
        help_text="Ví dụ UBND, STP, TTPVHCC. Để trống: lấy chữ cái đầu của tên (NĐ 30/2020/NĐ-CP, Phụ lục I).",
    )
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


class AgencyName(ValidityPeriod):
    """One official name of an agency over a validity period (renamed, reorganised under a new decision).

    A document prints the name valid on its own date (``cchc.org.selectors.agency_name_on``), so a
    renaming never rewrites what was issued before it. ``legal_basis`` names the decision that gave the
    name; where its number is not known the record says so ("chưa xác minh") with what would confirm it.
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="names")
    name = models.CharField("tên", max_length=300)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    confidence = models.CharField("độ tin cậy", max_length=20, choices=Confidence.choices, default=Confidence.CONFIRMED)
    review_note = models.TextField("cần rà soát", blank=True)
    source = models.CharField("nguồn", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tên gọi theo thời kỳ"
        verbose_name_plural = "tên gọi theo thời kỳ"
        ordering = ["agency_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "valid_from"], condition=Q(valid_from__isnull=False), name="org_agency_name_from_uniq"
            ),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(valid_from__isnull=True), name="org_agency_name_open_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_agency_name_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Signatory(ValidityPeriod):
    """A person with authority to sign an agency's documents (chức vụ, họ tên người ký).

    legal: NĐ 30/2020/NĐ-CP Điều 8 khoản 2 and Phụ lục I ô số 7a-7b: the signature block prints the
    authority prefix (TM. for a collective body such as a People's Committee, KT. when a deputy signs
    for the head), the signer's position in upper case and the full name. ``head_position`` is empty
    when the signer is the head; for a deputy it is the head's position ("Giám đốc"), printed after KT.
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="signatories")
    full_name = models.CharField("họ và tên", max_length=200)
    position = models.CharField("chức vụ", max_length=100)
    head_position = models.CharField("ký thay (chức vụ người đứng đầu)", max_length=100, blank=True)
    note = models.CharField("căn cứ giao ký", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "người ký văn bản"
        verbose_name_plural = "người ký văn bản"
        ordering = ["agency_id", "head_position", "full_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(full_name=""), name="org_signatory_name_required"),
            models.CheckConstraint(condition=~Q(position=""), name="org_signatory_position_required"),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.full_name}"


class DocumentRegisterEntry(models.Model):
    """One line of an issuing body's register of outgoing documents (sổ đăng ký văn bản đi).

    legal: NĐ 30/2020/NĐ-CP Điều 15 and Phụ lục I Mục II.3: documents take their number from the
    issuing body's series, which starts at 01 on 1 January and ends on 31 December; the number line
    reads "Số: <number>/<type abbreviation>-<issuer abbreviation>" (a công văn has no type
    abbreviation). One series per body and year, shared by every kind of document it issues.
    ``reference`` names what the document is about ("dossiers.extension:12") so printing it again
    gives the same number.
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số")
    symbol = models.CharField("ký hiệu", max_length=60)
    issued_on = models.DateField("ngày ban hành")
    subject = models.CharField("trích yếu", max_length=500)
    reference = models.CharField("đối tượng", max_length=120, blank=True)
    signer_name = models.CharField("người ký", max_length=200)
    signer_title = models.CharField("chức vụ người ký", max_length=200)
    created_at = models.DateTimeField("thời điểm vào sổ", auto_now_add=True)

    class Meta:
        verbose_name = "văn bản đi"
        verbose_name_plural = "sổ đăng ký văn bản đi"
        ordering = ["agency_id", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="org_register_number_uniq"),
            models.UniqueConstraint(
                fields=["agency", "reference"], condition=~Q(reference=""), name="org_register_reference_uniq"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="org_register_number_positive"),
            models.CheckConstraint(condition=~Q(signer_name=""), name="org_register_signer_required"),
        ]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        """``05/TB-STP``: numbers below 10 with a leading 0 (NĐ 30/2020 Phụ lục I Mục II.3)."""
        return f"{self.number:02d}/{self.symbol}"


# legal: QĐ 20/2020/QĐ-TTg (mã định danh điện tử của các cơ quan, tổ chức) with the structure of QCVN
# 102:2016/BTTTT (TT 10/2016/TT-BTTTT): V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.15.H34. The groups are read
# as the published identifiers write them (three digits, two, two, then a capital letter and two digits
# for the level-1 body: H34 is a province); the QCVN's text was not at hand (inferred from published
# identifiers, domain-vn §2.3).
IDENTIFIER_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def identifier_normalise(value: str) -> str:
    """The identifier as stored: spaces removed, the letter in capitals (``000.00.15.h34`` → ``…H34``)."""
    return "".join(str(value).split()).upper()


def identifier_is_valid(value: str) -> bool:
    """True when ``value`` (already normalised) has the shape V1V2V3.Z1Z2.Y1Y2.MX1X2."""
    return bool(IDENTIFIER_RE.fullmatch(value))


def validate_identifier(value: str) -> None:
    if not identifier_is_valid(value):
        raise ValidationError(
            "Mã định danh «%(value)s» không đúng cấu trúc V1V2V3.Z1Z2.Y1Y2.MX1X2 (ví dụ 000.00.15.H34).",
            code="identifier.format",
            params={"value": value},
        )


class AgencyIdentifier(ValidityPeriod):
    """An agency's electronic identifier (mã định danh điện tử) over a validity period.

    legal: QĐ 20/2020/QĐ-TTg gives every agency exchanging documents and data electronically an
    identifier of the QCVN 102:2016 structure (``IDENTIFIER_RE``); the deciding body publishes it in a
    decision (``decision``). The 2025 reorganisation (NQ 202/2025/QH15 merging Khánh Hòa and Ninh
    Thuận; two-level local government from 1/7/2025) gives the merged agencies new identifiers, so an
    agency may hold one until 30/6/2025 and another from 1/7/2025: periods of one agency never
    overlap, and one identifier is never held by two agencies in overlapping periods
    (``cchc.org.identifiers``). The dossier code starts with the identifier valid on the reception day
    (``cchc.dossiers.codes``).
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="identifiers")
    identifier = models.CharField(
        "mã định danh điện tử",
        max_length=13,
        validators=[validate_identifier],
        help_text="Cấu trúc V1V2V3.Z1Z2.Y1Y2.MX1X2 (QCVN 102:2016/BTTTT), ví dụ 000.00.15.H34.",
    )
    decision = models.CharField(
        "văn bản quyết định", max_length=300, help_text="Số, ký hiệu và ngày của văn bản cấp hoặc thay đổi mã."
    )
    note = models.TextField("ghi chú", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mã định danh điện tử"
        verbose_name_plural = "mã định danh điện tử của cơ quan"
        ordering = ["agency_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "valid_from"], condition=Q(valid_from__isnull=False), name="org_identifier_from_uniq"
            ),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(valid_from__isnull=True), name="org_identifier_open_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_identifier_validity_order",
            ),
        ]
        indexes = [models.Index(fields=["identifier"], name="org_identifier_idx")]

    def __str__(self) -> str:
        return self.identifier

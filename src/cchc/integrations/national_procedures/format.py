"""The national procedure database's export (CSDL quốc gia về TTHC), parsed. Pure: no database.

The format is inferred: no official specification of the national database's export or services is
public (domain-vn §2.6, §7). Field names are those public implementations of the national portal use
(MaTTHC, TenTTHC, LinhVuc, CapThucHien …); docs/integrations.md lists them and says how to map a real
export onto them. One export is ``{"DanhSachTTHC": [<thủ tục>, …]}`` (or the list alone); one procedure:

```
{"MaTTHC": "1.001193", "TenTTHC": "…", "LinhVuc": {"MaLinhVuc": "HOTICH", "TenLinhVuc": "Hộ tịch"},
 "CapThucHien": ["Cấp Xã"], "DoiTuongThucHien": ["Công dân Việt Nam"],
 "ThanhPhanHoSo": [{"TenGiayTo": "…", "SoBan": 1, "BatBuoc": true, "MauDon": "…"}],
 "PhiLePhi": [{"LoaiPhi": "Lệ phí", "TenPhiLePhi": "…", "MucThu": 5000, "MoTa": "…"}],
 "ThoiHanGiaiQuyet": {"GiaTri": 3, "DonViTinh": "Ngày làm việc", "MoTa": "…"},
 "KetQuaThucHien": "…",
 "CanCuPhapLy": [{"SoKyHieu": "60/2014/QH13", "TrichYeu": "Luật Hộ tịch", "NgayHieuLuc": "01/01/2016"}],
 "QuyetDinhCongBo": {"SoKyHieu": "12/QĐ-UBND", "NgayBanHanh": "05/01/2026", "CoQuanBanHanh": "UBND tỉnh"},
 "NgayCongKhai": "07/01/2026", "NgayCapNhat": "07/01/2026 09:30:00"}
```

Dates are ``dd/MM/yyyy`` (as the national database shows them) or ISO ``yyyy-MM-dd``. Every error names
the procedure and the JSON path, with a stable code (:mod:`.errors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cchc.catalogue.constants import FIELD_CODE_PATTERN, PROCEDURE_CODE_PATTERN, ApplicantType, FeeKind, TimeUnit
from cchc.common.text import fold
from cchc.integrations.national_procedures.errors import NationalProcedureError, NationalProcedureErrorCode
from cchc.org.constants import Level

LIST_KEY = "DanhSachTTHC"

# The values the national database writes, folded (lower case, no diacritics), and what they mean here.
LEVELS = {
    "cap bo": Level.CENTRAL,
    "trung uong": Level.CENTRAL,
    "cap trung uong": Level.CENTRAL,
    "cap tinh": Level.PROVINCE,
    "cap huyen": Level.DISTRICT,
    "cap xa": Level.COMMUNE,
}
APPLICANTS = {
    "cong dan viet nam": ApplicantType.CITIZEN,
    "nguoi viet nam dinh cu o nuoc ngoai": ApplicantType.CITIZEN,
    "nguoi nuoc ngoai": ApplicantType.FOREIGNER,
    "doanh nghiep": ApplicantType.ORGANISATION,
    "doanh nghiep co von dau tu nuoc ngoai": ApplicantType.ORGANISATION,
    "to chuc": ApplicantType.ORGANISATION,
    "to chuc nuoc ngoai": ApplicantType.ORGANISATION,
    "hop tac xa": ApplicantType.ORGANISATION,
    "co quan nha nuoc": ApplicantType.ORGANISATION,
}
TIME_UNITS = {
    "ngay lam viec": TimeUnit.WORKING_DAYS,
    "ngay": TimeUnit.CALENDAR_DAYS,
    "gio lam viec": TimeUnit.WORKING_HOURS,
    "trong ngay": TimeUnit.SAME_DAY,
}
FEE_KINDS = {"phi": FeeKind.FEE, "le phi": FeeKind.CHARGE}

_CODE_RE = re.compile(PROCEDURE_CODE_PATTERN)
_FIELD_RE = re.compile(FIELD_CODE_PATTERN)
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_MOMENT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class NationalDocument:
    name: str
    copies: int = 1
    mandatory: bool = True
    form_template: str = ""


@dataclass(frozen=True)
class NationalFee:
    kind: str  # FeeKind
    name: str
    amount: int
    description: str = ""


@dataclass(frozen=True)
class LegalBasis:
    number: str  # số, ký hiệu
    title: str  # trích yếu
    effective: date | None

    @property
    def text(self) -> str:
        """As the catalogue keeps it: "Luật Hộ tịch số 60/2014/QH13 (hiệu lực từ 01/01/2016)"."""
        text = f"{self.title} số {self.number}" if self.title else self.number
        return f"{text} (hiệu lực từ {self.effective:%d/%m/%Y})" if self.effective else text


@dataclass(frozen=True)
class Decision:
    """The publication decision (quyết định công bố)."""

    number: str
    issued: date
    issuer: str = ""


@dataclass(frozen=True)
class NationalProcedure:
    code: str
    name: str
    field_code: str
    field_name: str
    levels: tuple[str, ...]
    applicant_types: tuple[str, ...] | None  # None: the export does not say (the catalogue's are kept)
    documents: tuple[NationalDocument, ...]
    fees: tuple[NationalFee, ...]
    processing_time: int
    processing_time_unit: str
    processing_time_note: str
    result_name: str
    legal_bases: tuple[LegalBasis, ...]
    decision: Decision
    public_date: date | None  # NgayCongKhai: None while not yet made public
    updated: datetime | None = None  # NgayCapNhat, naive (Vietnam time) as the export writes it

    @property
    def latest_effective(self) -> date | None:
        """The latest effective date of the legal bases (the deadline of indicator 1.1 counts from it)."""
        dates = [basis.effective for basis in self.legal_bases if basis.effective is not None]
        return max(dates) if dates else None


class _Reader:
    def __init__(self, data: dict[str, Any], *, procedure: str, path: str) -> None:
        self.data, self.procedure, self.path = data, procedure, path

    def fail(self, key: str, message: str, code: NationalProcedureErrorCode | None = None) -> NationalProcedureError:
        return NationalProcedureError(
            code or NationalProcedureErrorCode.INVALID_RECORD,
            message,
            procedure=self.procedure,
            field=f"{self.path}.{key}" if self.path else key,
        )

    def text(self, key: str, *, required: bool = True, max_length: int = 500) -> str:
        value = self.data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(key, "Giá trị phải là chuỗi ký tự.")
        value = " ".join(value.split())
        if required and not value:
            raise self.fail(key, "Thiếu giá trị bắt buộc.")
        if len(value) > max_length:
            raise self.fail(key, f"Dài quá {max_length} ký tự.")
        return value

    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self.data.get(key)
        if value in (None, ""):
            if required:
                raise self.fail(key, "Thiếu ngày (dạng dd/MM/yyyy).")
            return None
        if isinstance(value, str):
            for pattern in _DATE_FORMATS:
                try:
                    return datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 - a day, no time
                except ValueError:
                    continue
        raise self.fail(key, f"Ngày «{value}» không đúng dạng dd/MM/yyyy.")

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            for pattern in _MOMENT_FORMATS + _DATE_FORMATS:
                try:
                    return datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - Vietnam time, as written
                except ValueError:
                    continue
        raise self.fail(key, f"Thời điểm «{value}» không đúng dạng dd/MM/yyyy HH:mm:ss.")

    def integer(self, key: str, *, default: int | None = None, minimum: int = 0) -> int:
        value = self.data.get(key)
        if value is None and default is not None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "Phải là số nguyên.")
        if value < minimum:
            raise self.fail(key, f"Phải từ {minimum} trở lên.")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if value in (0, 1) and not isinstance(value, bool):
            return bool(value)
        if not isinstance(value, bool):
            raise self.fail(key, "Phải là true/false (hoặc 1/0).")
        return value

    def known(self, key: str, value: Any, table: dict[str, Any], what: str) -> Any:
        folded = fold(value) if isinstance(value, str) else None
        if folded not in table:
            raise self.fail(
                key,
                f"{what} «{value}» không có trong danh mục giá trị đã biết.",
                NationalProcedureErrorCode.UNKNOWN_VALUE,
            )
        return table[folded]

    def objects(self, key: str, *, required: bool = False) -> list[_Reader]:
        value = self.data.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise self.fail(key, "Phải là danh sách.")
        if required and not value:
            raise self.fail(key, "Cần ít nhất một mục.")
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", "Mỗi mục phải là một đối tượng JSON.")
            readers.append(_Reader(item, procedure=self.procedure, path=f"{self.path}.{key}[{index}]"))
        return readers

    def nested(self, key: str) -> _Reader:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "Thiếu hoặc không phải một đối tượng JSON.")
        return _Reader(value, procedure=self.procedure, path=f"{self.path}.{key}")

    def texts(self, key: str, *, required: bool) -> list[str] | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "Phải là danh sách chuỗi ký tự, có ít nhất một mục.")
        return value


def parse_procedure(data: Any, *, path: str = "DanhSachTTHC[0]") -> NationalProcedure:
    """One procedure of the export; raises :class:`NationalProcedureError` naming it and the field."""
    if not isinstance(data, dict):
        raise NationalProcedureError(
            NationalProcedureErrorCode.INVALID_RECORD, "Thủ tục phải là một đối tượng JSON.", field=path
        )
    raw = data.get("MaTTHC")
    r = _Reader(data, procedure=raw.strip() if isinstance(raw, str) else "?", path=path)
    code = r.text("MaTTHC", max_length=30)
    if not _CODE_RE.match(code):
        raise r.fail("MaTTHC", f"Mã thủ tục «{code}» không đúng dạng (ví dụ 1.001193 hoặc 1.000948.H34).")
    field = r.nested("LinhVuc")
    field_code = field.text("MaLinhVuc", max_length=40)
    if not _FIELD_RE.match(field_code):
        raise field.fail("MaLinhVuc", f"Mã lĩnh vực «{field_code}» không đúng dạng (chữ in hoa, số, . _ -).")
    levels_raw = r.texts("CapThucHien", required=True) or []
    levels = tuple(
        dict.fromkeys(r.known(f"CapThucHien[{i}]", v, LEVELS, "Cấp thực hiện") for i, v in enumerate(levels_raw))
    )
    applicants_raw = r.texts("DoiTuongThucHien", required=False)
    applicants = (
        None
        if applicants_raw is None
        else tuple(
            dict.fromkeys(
                r.known(f"DoiTuongThucHien[{i}]", v, APPLICANTS, "Đối tượng thực hiện")
                for i, v in enumerate(applicants_raw)
            )
        )
    )
    documents = tuple(
        NationalDocument(
            name=d.text("TenGiayTo"),
            copies=d.integer("SoBan", default=1, minimum=1),
            mandatory=d.boolean("BatBuoc", default=True),
            form_template=d.text("MauDon", required=False, max_length=300),
        )
        for d in r.objects("ThanhPhanHoSo")
    )
    fees = tuple(
        NationalFee(
            kind=f.known("LoaiPhi", f.data.get("LoaiPhi"), FEE_KINDS, "Loại phí"),
            name=f.text("TenPhiLePhi", max_length=300),
            amount=f.integer("MucThu"),
            description=f.text("MoTa", required=False),
        )
        for f in r.objects("PhiLePhi")
    )
    timing = r.nested("ThoiHanGiaiQuyet")
    unit = timing.known("DonViTinh", timing.data.get("DonViTinh"), TIME_UNITS, "Đơn vị thời hạn")
    value = timing.integer("GiaTri", minimum=1)
    if unit == TimeUnit.SAME_DAY and value != 1:
        raise timing.fail("GiaTri", "Thủ tục giải quyết trong ngày có thời hạn là 1.")
    bases = tuple(
        LegalBasis(
            number=b.text("SoKyHieu", max_length=100),
            title=b.text("TrichYeu", required=False, max_length=300),
            effective=b.day("NgayHieuLuc", required=False),
        )
        for b in r.objects("CanCuPhapLy", required=True)
    )
    decision = r.nested("QuyetDinhCongBo")
    issued = decision.day("NgayBanHanh")
    assert issued is not None  # required above
    return NationalProcedure(
        code=code,
        name=r.text("TenTTHC"),
        field_code=field_code,
        field_name=field.text("TenLinhVuc", max_length=200),
        levels=levels,
        applicant_types=applicants,
        documents=documents,
        fees=fees,
        processing_time=value,
        processing_time_unit=unit,
        processing_time_note=timing.text("MoTa", required=False),
        result_name=r.text("KetQuaThucHien"),
        legal_bases=bases,
        decision=Decision(
            number=decision.text("SoKyHieu", max_length=100),
            issued=issued,
            issuer=decision.text("CoQuanBanHanh", required=False, max_length=300),
        ),
        public_date=r.day("NgayCongKhai", required=False),
        updated=r.moment("NgayCapNhat"),
    )


def parse_export(data: Any, *, source: str = "") -> list[NationalProcedure]:
    """A whole export: ``{"DanhSachTTHC": [...]}`` or the list. One MaTTHC appears once."""
    try:
        items = data.get(LIST_KEY) if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise NationalProcedureError(
                NationalProcedureErrorCode.INVALID_FILE,
                f"Không phải tệp xuất của CSDL quốc gia về TTHC (cần danh sách «{LIST_KEY}»).",
                field=LIST_KEY,
            )
        found: list[NationalProcedure] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            procedure = parse_procedure(item, path=f"{LIST_KEY}[{index}]")
            if procedure.code in seen:
                raise NationalProcedureError(
                    NationalProcedureErrorCode.DUPLICATE_CODE,
                    "Mã thủ tục xuất hiện hai lần trong cùng một tệp.",
                    procedure=procedure.code,
                    field=f"{LIST_KEY}[{index}].MaTTHC",
                )
            seen.add(procedure.code)
            found.append(procedure)
        return found
    except NationalProcedureError as exc:
        raise exc.located(source=source) from None

"""The indicators of the QĐ 766/QĐ-TTg real-time service index, as data.

One :class:`Indicator` per line of the index as the national portal (dichvucong.gov.vn) deploys it:
six groups, 100 points (domain-vn §1.3). Each says what it counts, where the facts come from on this
platform, its target and maximum points, and the spreadsheet row ("STT") the portal's business rules
refer to. An indicator whose facts the platform does not hold has ``source = Source.NONE`` and a
``no_data_reason``: it is reported as "Chưa có dữ liệu", never as an invented number.

Scoring (domain-vn §1.4): ``min(max, max × ratio / target)``; an indicator without a published target
scores ``max × ratio`` (the target is 100 %).

legal: QĐ 766/QĐ-TTg ngày 23/6/2022 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người
dân, doanh nghiệp trong thực hiện TTHC, dịch vụ công theo thời gian thực trên môi trường điện tử).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cchc.indicators.constants import GROUP_MAX_POINTS, Group, Source

# 2.2 in the procedure's own unit: seconds per displayed unit, by the catalogue's TimeUnit code.
HOURS = ("giờ", 3600)
DAYS = ("ngày", 86400)
_AVERAGE_UNITS = {"hours": HOURS, "same_day": HOURS, "days": DAYS, "calendar_days": DAYS}


def average_time_unit(time_unit: str | None) -> tuple[str, int]:
    """The unit 2.2 (average processing time) is shown in for procedures of ``time_unit``, and its
    length in seconds: ``("giờ", 3600)`` or ``("ngày", 86400)``.

    legal/practice: the national portal states 2.2 (ThoiGianGiaiQuyet) in the procedure's own unit
    (DonViTinh: hours, days or working days; domain-vn §1.5, F766). Chosen here:
    - working days and calendar days: days of 24 hours, as before;
    - working hours and "trong ngày" (same-day, NĐ 23/2015/NĐ-CP Điều 7 khoản 1): hours. A same-day
      procedure is compared in hours rather than marked "on time within the day": hours are what
      its own time is made of (one working day is 8 working hours) and 2.1 already says whether each
      dossier met its appointment (the close of the day, or of the next one after the cut-off).
    The durations are elapsed time (processed − received − the applicant's supplement time), not
    working time: the facts hold moments, not the calendar; a working-time 2.2 would need a fact
    column computed with ``cchc.calendars`` (to change, compute it in the facts and divide here).
    A scope whose procedures do not share one unit (a whole agency, the province) is shown in days.
    ``None`` (no single unit) is days.
    """
    return _AVERAGE_UNITS.get(time_unit or "", DAYS)


# Rows of the portal's METRICS sheet ("STT") that do not apply to commune-level units; business policy
# gives communes full marks on them (F766-api). Rows 6, 8 and 9 are the full-online rows, which the
# portal's API profile scores through 3.1-3.3; of those, 3.2 (online services used, per unit) is the
# one that stands for rows 8-9 here. Rows 16 and 17 are the population-database rows (4.5b, 4.5a).
COMMUNE_NOT_APPLICABLE_ROWS = frozenset({6, 8, 9, 16, 17})


@dataclass(frozen=True)
class Indicator:
    code: str  # the portal's metric code where it has one, else our own (``portal_code=False``)
    formula: str  # the formula id of the F766 document ("2.1"), "" when it has none
    row: int  # the STT of the portal's METRICS sheet
    name: str
    group: Group
    numerator: str
    denominator: str
    unit: str  # what is counted: "hồ sơ", "thủ tục", "dịch vụ", or the unit of a displayed value
    max_points: int  # 0: displayed only, not scored
    source: Source
    target: Fraction | None = None
    portal_code: bool = True
    no_data_reason: str = ""
    note: str = ""

    @property
    def scored(self) -> bool:
        return self.max_points > 0

    @property
    def applies_to_commune(self) -> bool:
        return self.row not in COMMUNE_NOT_APPLICABLE_ROWS

    @property
    def has_data(self) -> bool:
        return self.source != Source.NONE

    @property
    def target_percent(self) -> Decimal | None:
        return None if self.target is None else Decimal(self.target.numerator * 100) / self.target.denominator

    def score(self, ratio: Fraction) -> Fraction:
        """``min(max, max × ratio / target)``; without a target, ``max × ratio``."""
        return self.score_of(ratio.numerator, ratio.denominator)

    def score_of(self, numerator: int, denominator: int) -> Fraction:
        """:meth:`score` of the ratio ``numerator / denominator`` (``denominator > 0``), worked out in
        integers: one fraction made instead of five (a dashboard scores some 1,500 ratios)."""
        target_num, target_den = (1, 1) if self.target is None else (self.target.numerator, self.target.denominator)
        top, bottom = self.max_points * numerator * target_den, denominator * target_num
        if top >= self.max_points * bottom:
            return Fraction(self.max_points)
        return Fraction(top, bottom)


def _pct(value: int) -> Fraction:
    return Fraction(value, 100)


INDICATORS: tuple[Indicator, ...] = (
    # --- Công khai, minh bạch (18) ---
    Indicator(
        code="PUBLISH_ON_TIME",
        formula="1.1",
        row=1,
        name="Tỷ lệ TTHC được công bố đúng hạn",
        group=Group.PUBLICITY,
        numerator="Số TTHC có quyết định công bố ban hành đúng thời hạn: chậm nhất 5 ngày làm việc trước ngày "
        "văn bản quy định TTHC có hiệu lực (Điều 15 NĐ 63/2010/NĐ-CP, sửa đổi bởi NĐ 92/2017/NĐ-CP)",
        denominator="Số TTHC được công bố trong kỳ (theo ngày ban hành quyết định công bố; mỗi TTHC tính một lần, "
        "chậm nếu có một lần công bố chậm trong kỳ)",
        unit="thủ tục",
        max_points=6,
        source=Source.CATALOGUE,
        note="Tính từ số, ngày quyết định công bố và ngày có hiệu lực muộn nhất của căn cứ pháp lý, ghi nhận khi "
        "nạp từ CSDL quốc gia về TTHC (cchc integrations procedures import); đếm ngày làm việc theo lịch làm "
        "việc của tỉnh. Lần công bố không có ngày hiệu lực của căn cứ pháp lý không được đánh giá.",
    ),
    Indicator(
        code="PUBLIC_UPDATE_ON_TIME",
        formula="1.2",
        row=2,
        name="Tỷ lệ TTHC được cập nhật, công khai đúng hạn trên CSDL quốc gia về TTHC",
        group=Group.PUBLICITY,
        numerator="Số TTHC được công khai trên CSDL quốc gia trong 5 ngày làm việc kể từ ngày ký quyết định "
        "công bố (Điều 15 NĐ 63/2010/NĐ-CP, sửa đổi)",
        denominator="Số TTHC phải công khai trong kỳ (có quyết định công bố ban hành trong kỳ)",
        unit="thủ tục",
        max_points=4,
        source=Source.CATALOGUE,
        note="Tính từ ngày ký quyết định công bố và ngày công khai trên CSDL quốc gia, ghi nhận khi nạp từ CSDL "
        "quốc gia về TTHC. Thủ tục chưa công khai tính là chậm khi đã quá hạn, chưa tính khi chưa đến hạn.",
    ),
    Indicator(
        code="PUBLIC_CONTENT_FULL",
        formula="1.3",
        row=3,
        name="Tỷ lệ TTHC được công khai đầy đủ nội dung",
        group=Group.PUBLICITY,
        numerator="Số TTHC đang áp dụng có đủ các bộ phận: tên, trình tự, cách thức, thành phần hồ sơ, thời "
        "hạn giải quyết, đối tượng thực hiện, cơ quan giải quyết (khoản 2 Điều 8 NĐ 63/2010/NĐ-CP)",
        denominator="Số TTHC đang áp dụng thuộc thẩm quyền",
        unit="thủ tục",
        max_points=2,
        source=Source.CATALOGUE,
        note="Đo trên danh mục TTHC của hệ thống (bản đang áp dụng cuối kỳ), không phải trên CSDL quốc gia.",
    ),
    Indicator(
        code="DOSSIER_SYNC",
        formula="1.4",
        row=4,
        name="Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia",
        group=Group.PUBLICITY,
        numerator="Số hồ sơ tiếp nhận trong kỳ đã được Cổng DVCQG xác nhận đồng bộ",
        denominator="Số hồ sơ tiếp nhận trong kỳ trên hệ thống",
        unit="hồ sơ",
        max_points=6,
        # F766 1.4: the numerator is a dossier received in the window that the national portal
        # acknowledged (a cchc.integrations.models.DossierSync row, written by the portal adapter on
        # the portal's answer); the denominator is the portal's own count ("theo hệ thống báo cáo quốc
        # gia hoặc Cổng DVCQG"), which the portal does not give us: our own count of dossiers received
        # in the window stands for it, so a dossier the portal holds but we do not is not seen.
        source=Source.DOSSIERS,
        note="Mẫu số là số hồ sơ tiếp nhận trên hệ thống này (không lấy được số liệu của Cổng DVCQG); tử số là "
        "hồ sơ đã được Cổng DVCQG xác nhận đồng bộ (nhật ký đồng bộ).",
    ),
    # --- Tiến độ, kết quả giải quyết (20) ---
    Indicator(
        code="PROGRESS_ON_TIME",
        formula="2.1",
        row=5,
        name="Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
        group=Group.PROGRESS,
        numerator="Số hồ sơ đã giải quyết trong kỳ hoặc đang giải quyết cuối kỳ mà thời điểm kết thúc (hoặc "
        "cuối kỳ) không quá hạn trả, và không bị yêu cầu bổ sung quá một lần",
        denominator="Số hồ sơ đã tiếp nhận, kết thúc xử lý trong kỳ hoặc còn đang giải quyết cuối kỳ",
        unit="hồ sơ",
        max_points=20,
        source=Source.DOSSIERS,
        portal_code=False,
    ),
    Indicator(
        code="PROCESSING_TIME_AVG",
        formula="2.2",
        row=5,
        name="Thời gian giải quyết trung bình",
        group=Group.PROGRESS,
        numerator="Tổng thời gian từ tiếp nhận đến khi xử lý xong, trừ thời gian chờ người nộp bổ sung",
        denominator="Số hồ sơ đã xử lý xong, tiếp nhận trong kỳ",
        unit="ngày",
        max_points=0,
        source=Source.DOSSIERS,
        portal_code=False,
        note="Chỉ hiển thị. Tính theo thời gian thực (ngày 24 giờ, giờ 60 phút), không theo ngày làm việc; "
        "theo giờ với thủ tục tính theo giờ làm việc hoặc giải quyết trong ngày.",
    ),
    # --- Dịch vụ công trực tuyến (12), API profile qd766-online-v1 ---
    Indicator(
        code="ONLINE_PROCEDURES",
        formula="3.1",
        row=7,
        name="Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
        group=Group.ONLINE,
        numerator="Số TTHC đang áp dụng có dịch vụ công trực tuyến một phần hoặc toàn trình",
        denominator="Số TTHC đang áp dụng thuộc thẩm quyền",
        unit="thủ tục",
        max_points=2,
        target=_pct(80),
        source=Source.CATALOGUE,
        portal_code=False,
    ),
    Indicator(
        code="ONLINE_SERVICES_USED",
        formula="3.2",
        row=8,
        name="Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
        group=Group.ONLINE,
        numerator="Số dịch vụ công trực tuyến (TTHC trực tuyến tại từng cơ quan giải quyết) có ít nhất một hồ "
        "sơ nộp trực tuyến được tiếp nhận trong kỳ",
        denominator="Số dịch vụ công trực tuyến (TTHC trực tuyến × cơ quan có thẩm quyền giải quyết)",
        unit="dịch vụ",
        max_points=4,
        target=_pct(100),
        source=Source.CATALOGUE_DOSSIERS,
        portal_code=False,
    ),
    Indicator(
        code="ONLINE_SUBMISSION",
        formula="3.3",
        row=10,
        name="Tỷ lệ hồ sơ nộp trực tuyến",
        group=Group.ONLINE,
        numerator="Số hồ sơ tiếp nhận trong kỳ được nộp trực tuyến",
        denominator="Số hồ sơ tiếp nhận trong kỳ",
        unit="hồ sơ",
        max_points=6,
        target=_pct(50),
        source=Source.DOSSIERS,
        portal_code=False,
        # F766-doc 3.3 adds "and, where the procedure requires a paper result, an electronic result" to the
        # numerator. Not applied, on purpose: the counters the deployed portal scores the 12 points from are
        # plain channel sums (API profile qd766-online-v1: channelOnlineSum / channelTotalSum, domain-vn
        # §1.3), and with the condition an online dossier received in a running period would count only
        # once its result is signed, so 3.3 would measure the processing's progress rather than the
        # channel. The electronic result is measured where the formula is about it (4.1, 4.2). To apply
        # it: add ``& Q(result_signed=True)`` to the numerator in selectors.indicator_filters and a
        # counter ``received_online_result`` to the rollups.
        note="Chưa nhân tỷ lệ đồng bộ. Không xét điều kiện có kết quả điện tử: Cổng DVCQG chấm điểm chỉ tiêu "
        "này theo tổng số hồ sơ theo kênh nộp; kết quả điện tử được đo ở chỉ tiêu 4.1 và 4.2.",
    ),
    # --- Số hóa hồ sơ (22) ---
    Indicator(
        code="ORIGINAL_RESULT_AVAILABLE",
        formula="4.1",
        row=11,
        name="Tỷ lệ hồ sơ có cấp kết quả giải quyết điện tử",
        group=Group.DIGITISATION,
        numerator="Số hồ sơ tiếp nhận trong kỳ đã xử lý xong có kết quả điện tử đã ký số",
        denominator="Số hồ sơ tiếp nhận trong kỳ đã xử lý xong (TTHC có kết quả là giấy tờ)",
        unit="hồ sơ",
        max_points=6,
        # F766 4.1 (domain-vn §1.5): dossiers with a result file link synced, of the procedures whose result
        # is a paper document ("TTHC có kết quả là giấy tờ") / dossiers of those procedures. Numerator here:
        # the dossier has an electronic result in the signed state (dossiers.ResultDocument, status
        # «Đã ký số»; a result pending, failed, replaced or revoked does not count) — the file whose link
        # the national sync sends as DuongDanTepTinKetQua. Choices, where the formula is not precise:
        # - "TTHC có kết quả là giấy tờ" = every procedure of the catalogue: each one declares its result
        #   document (ProcedureVersion.result_document_type / _name, required by the catalogue's schema),
        #   including the notices and extracts of the residence procedures, which are documents too. The
        #   catalogue holds no "result is only a data update" flag; when it does, filter the denominator
        #   on it (selectors.indicator_filters and the rollup counters ``completed`` / ``completed_result``).
        # - The dossiers counted are those received in the window and processed ("Đã xử lý xong",
        #   ``processed_at`` set: the 2.2 counter ``completed``): a result exists only once the dossier is
        #   decided, so a dossier still in process, stopped or withdrawn is not held against the agency.
        #   To count every dossier received instead, use ``received`` / ``received_result``.
        source=Source.DOSSIERS,
        note="TTHC có kết quả là giấy tờ: mọi thủ tục trong danh mục (mỗi thủ tục đều khai báo giấy tờ kết quả). "
        "Chỉ tính hồ sơ đã xử lý xong; kết quả phải ở trạng thái «Đã ký số».",
    ),
    Indicator(
        code="SO_HOA_GIAY_TO_GIAI_QUYET",
        formula="4.2",
        row=12,
        name="Tỷ lệ hồ sơ thực hiện số hóa thành phần hồ sơ",
        group=Group.DIGITISATION,
        numerator="Số hồ sơ tiếp nhận trong kỳ có thành phần đã số hóa và có kết quả điện tử đã ký số",
        denominator="Số hồ sơ tiếp nhận trong kỳ",
        unit="hồ sơ",
        max_points=4,
        target=_pct(80),
        # F766 4.2 (domain-vn §1.5): dossiers with digitised components (a file attached to a component)
        # AND an electronic result / dossiers under authority (received in the period). A component is
        # digitised when it holds a file: uploaded online (source ``upload``), reused from the data store
        # (``reused``, pointing at the stored file), or a paper received at the counter and scanned there
        # (``DossierDocument.stored_document`` set by the action digitise_document; TT 01/2023/TT-VPCP
        # Điều 4-5). The electronic result: a ResultDocument «Đã ký số», as 4.1.
        source=Source.DOSSIERS,
        note="Thành phần đã số hóa: tệp nộp trực tuyến, giấy tờ tái sử dụng từ kho dữ liệu hoặc bản giấy được "
        "số hóa tại quầy; kết quả điện tử: kết quả đã ký số.",
    ),
    Indicator(
        code="ELECTRONIC_CERTIFIED_COPY",
        formula="",
        row=13,
        name="Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
        group=Group.DIGITISATION,
        numerator="Số đơn vị cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
        denominator="Số đơn vị có thẩm quyền chứng thực",
        unit="đơn vị",
        max_points=2,
        # QĐ 766 (the portal's METRICS row 13, ELECTRONIC_CERTIFIED_COPY; no F766 formula, domain-vn §1.3):
        # units offering the electronic certified copy from originals over units with authority to
        # certify. Read from the catalogue in force at the close (compute._Holdings): the denominator is the
        # reporting units holding a procedure in force whose result is a certified copy from the original
        # (catalogue.constants.CERTIFIED_COPY_TYPE, the paper one, 2.000815; or the electronic one); the
        # numerator those of them holding the electronic certified copy procedure
        # (ELECTRONIC_CERTIFIED_COPY_TYPE; cchc.dossiers.results.certified). Since 1/7/2025 the certifying
        # units are the communes' People's Committees (NĐ 23/2015/NĐ-CP as amended, no district level).
        # Chosen: "offering" is holding the service in the catalogue (the platform issues the copy for every
        # holder: each agency has a signing certificate), not having issued one in the period; to count
        # only units that issued a copy, intersect with the agencies of the signed certified copies
        # (dossiers.ResultDocument with a certification_number) in the window.
        source=Source.CATALOGUE,
        note="Tính trên danh mục TTHC đang áp dụng: đơn vị có thẩm quyền chứng thực bản sao từ bản chính "
        "(UBND cấp xã) và đơn vị trong số đó cung cấp thủ tục chứng thực bản sao điện tử từ bản chính.",
    ),
    Indicator(
        code="REUSED_DIGITIZED_DATA",
        formula="4.3",
        row=14,
        name="Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
        group=Group.DIGITISATION,
        numerator="Số hồ sơ tiếp nhận trong kỳ có ít nhất một thành phần tái sử dụng dữ liệu đã số hóa",
        denominator="Số hồ sơ tiếp nhận trong kỳ",
        unit="hồ sơ",
        max_points=2,
        target=_pct(80),
        # F766 4.3 (domain-vn §1.5): dossiers with a component re-using digitised data / received. A
        # component counts when it was recorded as reused (DocumentSource.REUSED: the applicant chose a
        # document held in their data store instead of an upload, TT 01/2023/TT-VPCP Điều 24; the flag
        # TaiLieuNop.DuocTaiSuDung the national sync sends). A paper digitised at the counter is not a
        # reuse (it counts in 4.2).
        source=Source.DOSSIERS,
    ),
    Indicator(
        code="SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        formula="4.4",
        row=15,
        name="Tỷ lệ hồ sơ TTHC được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng",
        group=Group.DIGITISATION,
        numerator="Số hồ sơ có thành phần lấy từ kho dữ liệu cá nhân trên Cổng DVCQG hoặc có kết quả đẩy về kho",
        denominator="Số hồ sơ tiếp nhận trong kỳ",
        unit="hồ sơ",
        max_points=4,
        source=Source.NONE,
        no_data_reason="Hệ thống chưa kết nối kho dữ liệu cá nhân của người dân trên Cổng DVCQG.",
    ),
    Indicator(
        code="CITIZEN_DATA_CONNECTED_DOSSIER",
        formula="4.5b",
        row=16,
        name="Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư",
        group=Group.DIGITISATION,
        numerator="Số hồ sơ tiếp nhận trong kỳ có người nộp xác thực bằng tài khoản định danh điện tử (VNeID)",
        denominator="Số hồ sơ tiếp nhận trong kỳ",
        unit="hồ sơ",
        max_points=2,
        # F766 4.5b (domain-vn §1.5, row 4.5): a dossier counts when TaiKhoanDuocXacThucVoiVNeID = 1, or a
        # component was taken from the personal store (DuocLayTuKhoDMQG), or it carries the population
        # database's MaCSDL. Here: the first, read from Dossier.applicant_identity (issue 15: set from
        # the signed-in account, never from the form; any level, and an organisation's account, counts,
        # as the flag the national sync sends is 1 for all of them). The other two need the population
        # database and the personal store, which are not connected: a dossier using only them is not
        # seen (the figure can be lower than the portal's, never higher). Denominator: every dossier
        # received in the period, counter ones included (F766: "all dossiers"). Not applicable at
        # commune level (row 16, COMMUNE_NOT_APPLICABLE_ROWS): full marks there.
        source=Source.DOSSIERS,
        note="Tử số là hồ sơ có người nộp đăng nhập bằng tài khoản định danh điện tử (TaiKhoanDuocXacThucVoiVNeID "
        "= 1); hồ sơ dùng dữ liệu lấy từ CSDL quốc gia về dân cư hoặc kho dữ liệu cá nhân chưa được tính vì "
        "hệ thống chưa kết nối các nguồn này. Mẫu số gồm cả hồ sơ nộp trực tiếp.",
    ),
    Indicator(
        code="CITIZEN_DATA_CONNECTED_FORMALITY",
        formula="4.5a",
        row=17,
        name="Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư phục vụ giải quyết TTHC",
        group=Group.DIGITISATION,
        numerator="Số TTHC có đối tượng là công dân đã kết nối CSDL quốc gia về dân cư",
        denominator="Số TTHC có đối tượng thực hiện là công dân",
        unit="thủ tục",
        max_points=2,
        # F766 4.5a: procedures for citizens "connected to the population database" (dossiers of them
        # with TaiKhoanDuocXacThucVoiVNeID, DuocLayTuKhoDMQG or the database's MaCSDL). Not computed:
        # the catalogue knows each procedure's applicant types (ProcedureVersion.applicant_types), but
        # the platform holds no connection to the population database, and the electronic identity
        # sign-in (issue 15) is offered alike on every online procedure: counting the procedures that
        # "accept" it would count every online procedure for citizens, which says nothing of a
        # connection; counting those that had an identified applicant would measure the applicants'
        # choice, not the procedure's connection. Revisit when procedures read the population
        # database (a per-procedure connection recorded in the catalogue).
        source=Source.NONE,
        no_data_reason="Hệ thống chưa kết nối CSDL quốc gia về dân cư theo từng thủ tục; đăng nhập bằng định danh "
        "điện tử áp dụng chung cho mọi thủ tục trực tuyến nên không cho biết thủ tục nào đã kết nối.",
    ),
    # --- Mức độ hài lòng (18) ---
    Indicator(
        code="PETITION_CLASSIFICATION_TTHC",
        formula="5.1",
        row=19,
        name="Phản ánh, kiến nghị về quy định, TTHC",
        group=Group.SATISFACTION,
        numerator="Số phản ánh, kiến nghị được phân loại là về quy định, TTHC",
        denominator="Số phản ánh, kiến nghị",
        unit="phản ánh",
        max_points=0,
        source=Source.FEEDBACK,
    ),
    Indicator(
        code="PETITION_CLASSIFICATION_STAFF",
        formula="5.1",
        row=20,
        name="Phản ánh, kiến nghị về cán bộ, công chức",
        group=Group.SATISFACTION,
        numerator="Số phản ánh, kiến nghị được phân loại là về cán bộ, công chức",
        denominator="Số phản ánh, kiến nghị",
        unit="phản ánh",
        max_points=0,
        source=Source.FEEDBACK,
    ),
    Indicator(
        code="PETITION_PROCESSING_ON_TIME",
        formula="5.2",
        row=21,
        name="Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        group=Group.SATISFACTION,
        numerator="Số phản ánh, kiến nghị xử lý đúng hạn",
        denominator="Số phản ánh, kiến nghị thuộc thẩm quyền",
        unit="phản ánh",
        max_points=6,
        source=Source.FEEDBACK,
    ),
    Indicator(
        code="PETITION_HANDLING_SATISFACTION",
        formula="5.3",
        row=22,
        name="Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
        group=Group.SATISFACTION,
        numerator="Số phản ánh, kiến nghị trừ số bị đánh giá không hài lòng, quá hạn hoặc phản ánh lại",
        denominator="Số phản ánh, kiến nghị tiếp nhận lần đầu trong kỳ",
        unit="phản ánh",
        max_points=6,
        source=Source.FEEDBACK,
    ),
    Indicator(
        code="DOSSIER_RECEIVING_SATISFACTION",
        formula="5.4",
        row=23,
        name="Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
        group=Group.SATISFACTION,
        numerator=(
            "Số hồ sơ kết thúc xử lý trong kỳ, không trễ hạn, không bị đánh giá «Không hài lòng» "
            "và không có phản ánh, kiến nghị"
        ),
        denominator="Số hồ sơ kết thúc xử lý trong kỳ",
        unit="hồ sơ",
        max_points=6,
        target=_pct(90),
        source=Source.DOSSIERS,
        note=(
            "Phản ánh, kiến nghị gắn với hồ sơ (trừ phản ánh không được tiếp nhận xử lý) được tính "
            "như một đánh giá không hài lòng."
        ),
    ),
    # --- Thanh toán trực tuyến (10) ---
    Indicator(
        code="PAYMENT_INTEGRATED",
        formula="3.5",
        row=24,
        name="Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trên Cổng DVCQG",
        group=Group.PAYMENT,
        numerator="Số TTHC có phí, lệ phí đã đồng bộ dữ liệu thu phí lên Cổng DVCQG",
        denominator="Số TTHC có phí, lệ phí trên CSDL TTHC",
        unit="thủ tục",
        max_points=2,
        target=_pct(80),
        source=Source.NONE,
        portal_code=False,
        no_data_reason="Hệ thống chưa tích hợp nghĩa vụ tài chính với Cổng DVCQG (chưa đồng bộ dữ liệu phí).",
    ),
    Indicator(
        code="PAYMENT_PROCEDURES_USED",
        formula="3.5b",
        row=24,
        name="Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
        group=Group.PAYMENT,
        numerator="Số TTHC có phí, lệ phí có ít nhất một khoản thanh toán qua cổng thanh toán trực tuyến trong kỳ",
        denominator="Số TTHC đang áp dụng có phí, lệ phí khác 0 thuộc thẩm quyền",
        unit="thủ tục",
        max_points=2,
        source=Source.CATALOGUE_DOSSIERS,
        portal_code=False,
    ),
    Indicator(
        code="ONLINE_PAYMENT",
        formula="3.6",
        row=24,
        name="Tỷ lệ hồ sơ thanh toán trực tuyến",
        group=Group.PAYMENT,
        numerator="Số hồ sơ tiếp nhận trong kỳ (có phí, lệ phí khác 0) có khoản thanh toán qua cổng thanh "
        "toán trực tuyến",
        denominator="Số hồ sơ tiếp nhận trong kỳ có phí, lệ phí khác 0",
        unit="hồ sơ",
        max_points=6,
        source=Source.DOSSIERS,
        portal_code=False,
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


def indicator_get(code: str) -> Indicator:
    """The indicator by code (raises ``KeyError``)."""
    return BY_CODE[code]


def _check() -> None:
    """The points of every group add up to its maximum, and the groups to 100 (import-time invariant)."""
    for group, maximum in GROUP_MAX_POINTS.items():
        total = sum(i.max_points for i in INDICATORS if i.group == group)
        if total != maximum:  # pragma: no cover - a broken definition table must not load
            raise ValueError(f"Nhóm {group.label}: tổng điểm {total} khác {maximum}.")
    if len(BY_CODE) != len(INDICATORS):  # pragma: no cover
        raise ValueError("Mã chỉ số bị trùng.")


_check()

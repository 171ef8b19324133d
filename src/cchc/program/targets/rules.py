"""Which measure each quantitative target of a program is linked to: matching rules, as data.

A rule matches a target when every one of its ``all_of`` phrases and none of its ``none_of`` phrases
occur in the target's metric, both folded (no diacritics, no punctuation, lower case: see
``cchc.common.text.fold_words``), and its conditions on the target's fields and government level hold. A
target is linked only when exactly one rule matches it; a target no rule (or more than one) matches
is reported, never guessed. The targets of one rule in one program (the 2025 and the 2030 figure of
the same metric) share one series.

Phrases are those of Nghị quyết 76/NQ-CP, which provincial programs copy; QĐ 4831/QĐ-UBND Khánh Hòa
(24/12/2021) is matched in full by these rules (tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.common.text import fold_words
from cchc.program.constants import MeasureKind

SO_NOI_VU = "so-noi-vu"


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    kind: MeasureKind
    all_of: tuple[str, ...]
    none_of: tuple[str, ...] = ()
    measure_code: str = ""  # QĐ 766 indicator code or platform measure code
    needs_fields: bool | None = None  # True: the target must name fields; False: must not; None: either
    gov_level: str = ""  # the target's level must be this one ("" any)
    agency: str = ""  # registry code of the responsible agency (on the program's issue date)
    note: str = ""

    def matches(self, *, metric: str, fields: list[str], gov_level: str) -> bool:
        key = fold_words(metric)
        if not all(fold_words(p) in key for p in self.all_of) or any(fold_words(p) in key for p in self.none_of):
            return False
        if self.needs_fields is not None and bool(fields) != self.needs_fields:
            return False
        return not self.gov_level or gov_level == self.gov_level


_WORK_FILES_NOTE = (
    "Hồ sơ công việc (văn bản, hồ sơ nội bộ) nằm trong hệ thống quản lý văn bản và điều hành, chưa kết nối "
    "với nền tảng: số liệu do cơ quan phụ trách nhập theo báo cáo của hệ thống đó."
)

RULES: tuple[Rule, ...] = (
    Rule(
        key="luan-chuyen-dien-tu",
        name="Hồ sơ TTHC luân chuyển giữa các cơ quan bằng phương thức điện tử",
        kind=MeasureKind.PLATFORM,
        all_of=("luân chuyển", "phương thức điện tử"),
        measure_code="INTER_AGENCY_ELECTRONIC",
        agency="van-phong-ubnd",
        note=(
            "Hồ sơ liên thông (các bước tại từ hai cơ quan trở lên) đã trả kết quả mà mọi lần chuyển giữa hai cơ "
            "quan đều có phiếu bàn giao trên hệ thống. Không thấy được cơ quan chưa dùng nền tảng."
        ),
    ),
    Rule(
        key="thanh-toan-truc-tuyen",
        name="Tỷ lệ giao dịch thanh toán trực tuyến",
        kind=MeasureKind.INDICATOR,
        all_of=("thanh toán trực tuyến",),
        measure_code="ONLINE_PAYMENT",
        agency="van-phong-ubnd",
        note=(
            "Chỉ số 3.6: hồ sơ tiếp nhận trong kỳ có thanh toán qua cổng thanh toán trực tuyến / hồ sơ tiếp "
            "nhận trong kỳ có phí, lệ phí. Đếm hồ sơ, không đếm số giao dịch."
        ),
    ),
    Rule(
        key="tthc-cung-cap-truc-tuyen",
        name="Thủ tục hành chính được cung cấp trực tuyến",
        kind=MeasureKind.INDICATOR,
        all_of=("thủ tục hành chính", "trực tuyến", "cổng dịch vụ công quốc gia"),
        measure_code="ONLINE_PROCEDURES",
        agency="van-phong-ubnd",
        note=(
            "Chỉ số 3.1: thủ tục đang hiệu lực cung cấp dịch vụ công trực tuyến (toàn trình hoặc một phần) / "
            "thủ tục đang hiệu lực, theo danh mục của nền tảng. Mẫu số là mọi thủ tục, không chỉ thủ tục "
            "“đủ điều kiện” như chỉ tiêu; việc tích hợp lên Cổng DVC quốc gia chưa kiểm tra được."
        ),
    ),
    Rule(
        key="hai-long-giai-quyet-tthc",
        name="Mức độ hài lòng về giải quyết thủ tục hành chính",
        kind=MeasureKind.INDICATOR,
        all_of=("mức độ hài lòng", "giải quyết", "thủ tục hành chính"),
        none_of=("lĩnh vực",),
        measure_code="DOSSIER_RECEIVING_SATISFACTION",
        needs_fields=False,
        agency="van-phong-ubnd",
        note=(
            "Chỉ số 5.4: hồ sơ kết thúc xử lý trong kỳ, đúng hạn và không bị đánh giá “Không hài lòng” / hồ sơ "
            "kết thúc xử lý trong kỳ. Không phải kết quả khảo sát."
        ),
    ),
    Rule(
        key="hai-long-giai-quyet-tthc-linh-vuc",
        name="Mức độ hài lòng về giải quyết TTHC lĩnh vực đất đai, xây dựng, đầu tư",
        kind=MeasureKind.INDICATOR,
        all_of=("mức độ hài lòng", "thủ tục hành chính", "lĩnh vực"),
        measure_code="DOSSIER_RECEIVING_SATISFACTION",
        needs_fields=True,
        agency="van-phong-ubnd",
        note=(
            "Chỉ số 5.4 tính trên hồ sơ của các lĩnh vực thủ tục có tên trùng với lĩnh vực nêu trong chỉ tiêu "
            "(cộng tử số, mẫu số của từng lĩnh vực). Lĩnh vực không có trong danh mục thủ tục được ghi rõ."
        ),
    ),
    Rule(
        key="tthc-noi-bo",
        name="Thủ tục hành chính nội bộ được công bố, công khai, cập nhật",
        kind=MeasureKind.MANUAL,
        all_of=("thủ tục hành chính nội bộ",),
        agency="van-phong-ubnd",
        note="Danh mục của nền tảng chỉ có thủ tục giải quyết cho người dân, doanh nghiệp; chưa có TTHC nội bộ.",
    ),
    Rule(
        key="dinh-danh-nguoi-tham-gia",
        name="Người tham gia hệ thống Chính phủ điện tử được xác thực định danh điện tử",
        kind=MeasureKind.MANUAL,
        all_of=("tham gia", "định danh điện tử"),
        agency="cong-an-tinh",
        note=(
            "Người tham gia hệ thống Chính phủ điện tử gồm cả người dùng các hệ thống khác của tỉnh và của "
            "Trung ương; nền tảng chỉ biết người nộp hồ sơ trên nền tảng (chỉ tiêu “người sử dụng dịch vụ công "
            "trực tuyến” đo phần này). Số liệu do Công an tỉnh cung cấp."
        ),
    ),
    Rule(
        # NQ 76/NQ-CP, QĐ 4831/QĐ-UBND Khánh Hòa (a6-2025-6: 100 % by 2025); measured from the platform's
        # online submissions, counting persons (cchc.indicators.measures.IDENTIFIED_ONLINE_USERS)
        key="dinh-danh-nguoi-dung-dvc",
        name="Người sử dụng dịch vụ công trực tuyến được cấp định danh, xác thực điện tử",
        kind=MeasureKind.PLATFORM,
        all_of=("sử dụng dịch vụ công trực tuyến", "định danh"),
        measure_code="IDENTIFIED_ONLINE_USERS",
        agency="cong-an-tinh",
        note=(
            "Người nộp hồ sơ trực tuyến trong kỳ đã đăng nhập bằng tài khoản định danh điện tử khi nộp / người "
            "nộp hồ sơ trực tuyến trong kỳ; đếm người theo số định danh cá nhân (mã số thuế với tổ chức), mỗi "
            "người một lần. Không thấy người có định danh điện tử mà nộp không đăng nhập, và giao dịch trên "
            "Cổng DVCQG ngoài nền tảng."
        ),
    ),
    Rule(
        key="hai-long-phuc-vu-hanh-chinh",
        name="Mức độ hài lòng đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)",
        kind=MeasureKind.MANUAL,
        all_of=("mức độ hài lòng", "sự phục vụ", "cơ quan hành chính nhà nước"),
        agency=SO_NOI_VU,
        note="Chỉ số SIPAS đo bằng điều tra xã hội học hằng năm; nhập theo kết quả công bố.",
    ),
    Rule(
        key="hai-long-y-te-giao-duc",
        name="Mức độ hài lòng về dịch vụ y tế, giáo dục công lập",
        kind=MeasureKind.MANUAL,
        all_of=("mức độ hài lòng", "y tế", "giáo dục"),
        agency=SO_NOI_VU,
        note="Đo bằng khảo sát sự hài lòng về dịch vụ y tế, giáo dục công lập; nhập theo kết quả công bố.",
    ),
    Rule(
        key="bien-che-su-nghiep",
        name="Giảm biên chế sự nghiệp hưởng lương từ ngân sách nhà nước",
        kind=MeasureKind.MANUAL,
        all_of=("biên chế",),
        agency=SO_NOI_VU,
        note="Số biên chế do cơ quan quản lý biên chế theo dõi; nhập mức giảm (%) so với năm 2025.",
    ),
    Rule(
        key="chi-ngan-sach-su-nghiep",
        name="Giảm chi trực tiếp từ ngân sách nhà nước cho đơn vị sự nghiệp công lập",
        kind=MeasureKind.MANUAL,
        all_of=("chi trực tiếp", "ngân sách"),
        agency="so-tai-chinh",
        note="Số liệu chi ngân sách; nhập mức giảm bình quân (%) so với giai đoạn 2021-2025.",
    ),
    Rule(
        key="dvc-da-phuong-tien",
        name="Dịch vụ công trực tuyến mức độ 4 cung cấp trên nhiều phương tiện truy cập",
        kind=MeasureKind.MANUAL,
        all_of=("dịch vụ công trực tuyến", "nhiều phương tiện"),
        agency="so-thong-tin-va-truyen-thong",
        note="Nền tảng không ghi phương tiện truy cập (máy tính, điện thoại, ứng dụng) của từng dịch vụ.",
    ),
    Rule(
        key="dvc-kho-du-lieu-dung-chung",
        name="Dịch vụ công trực tuyến mức độ 4 khai thác kho dữ liệu dùng chung",
        kind=MeasureKind.MANUAL,
        all_of=("dịch vụ công trực tuyến", "kho dữ liệu"),
        agency="so-thong-tin-va-truyen-thong",
        note="Nền tảng chưa kết nối kho dữ liệu dùng chung của tỉnh.",
    ),
    Rule(
        key="ho-so-cong-viec-cap-tinh",
        name="Hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng",
        kind=MeasureKind.MANUAL,
        all_of=("hồ sơ công việc", "môi trường mạng"),
        gov_level="province",
        agency="so-thong-tin-va-truyen-thong",
        note=_WORK_FILES_NOTE,
    ),
    Rule(
        key="ho-so-cong-viec-cap-huyen",
        name="Hồ sơ công việc cấp huyện xử lý trên môi trường mạng",
        kind=MeasureKind.MANUAL,
        all_of=("hồ sơ công việc", "môi trường mạng"),
        gov_level="district",
        agency="so-thong-tin-va-truyen-thong",
        note=_WORK_FILES_NOTE + " Cấp huyện kết thúc hoạt động từ 01/7/2025: chỉ có số liệu đến hết năm 2025.",
    ),
    Rule(
        key="ho-so-cong-viec-cap-xa",
        name="Hồ sơ công việc cấp xã xử lý trên môi trường mạng",
        kind=MeasureKind.MANUAL,
        all_of=("hồ sơ công việc", "môi trường mạng"),
        gov_level="commune",
        agency="so-thong-tin-va-truyen-thong",
        note=_WORK_FILES_NOTE,
    ),
    Rule(
        key="kiem-tra-moi-truong-so",
        name="Hoạt động kiểm tra thực hiện qua môi trường số",
        kind=MeasureKind.MANUAL,
        all_of=("hoạt động kiểm tra", "môi trường số"),
        agency="so-thong-tin-va-truyen-thong",
        note="Hoạt động kiểm tra của cơ quan quản lý không được ghi nhận trên nền tảng.",
    ),
)

BY_KEY: dict[str, Rule] = {r.key: r for r in RULES}


def rules_matching(*, metric: str, fields: list[str], gov_level: str) -> list[Rule]:
    """Every rule that matches a target (the caller links only when there is exactly one)."""
    return [r for r in RULES if r.matches(metric=metric, fields=fields, gov_level=gov_level)]

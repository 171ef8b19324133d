# ruff: noqa: E501  (a paragraph of a message is one line: the mail reader wraps it)
"""The Vietnamese default templates, seeded by migration 0002 (and restorable with
``cchc notifications reset-templates``). Administrators edit them in the admin ("Mẫu thông báo").

Each entry: topic -> (email subject, email body, short text for SMS and Zalo).
"""

from __future__ import annotations

from cchc.notifications.constants import Topic

_SIGN = """
Tra cứu tình trạng hồ sơ tại {{ lien_ket_tra_cuu }} (nhập mã hồ sơ và số điện thoại hoặc số định danh đã khai), hoặc đăng nhập bằng tài khoản định danh điện tử để xem mọi hồ sơ của bạn tại {{ lien_ket_ho_so_cua_toi }}.
Mọi thắc mắc xin liên hệ {{ co_quan }}.

Thư này được gửi tự động, xin vui lòng không trả lời thư."""

DEFAULTS: dict[Topic, tuple[str, str, str]] = {
    Topic.SUBMITTED: (
        "Đã nhận hồ sơ nộp trực tuyến {{ ma_ho_so }}",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} đã nhận hồ sơ «{{ ten_thu_tuc }}» Ông/Bà nộp trực tuyến lúc {{ ngay_nop }}, số tham chiếu {{ ma_ho_so }}.
Cán bộ sẽ kiểm tra và tiếp nhận hồ sơ; Ông/Bà sẽ nhận được thông báo tiếp nhận kèm mã hồ sơ và ngày hẹn trả kết quả.
"""
        + _SIGN,
        "{{ co_quan }}: đã nhận hồ sơ nộp trực tuyến số {{ ma_ho_so }}. Tra cứu: {{ lien_ket_tra_cuu }}",
    ),
    Topic.RECEIPT: (
        "Tiếp nhận hồ sơ {{ ma_ho_so }}: hẹn trả kết quả {{ han_tra_ket_qua }}",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} đã tiếp nhận hồ sơ «{{ ten_thu_tuc }}» của Ông/Bà.
Mã hồ sơ: {{ ma_ho_so }}
Ngày hẹn trả kết quả: {{ han_tra_ket_qua }}
"""
        + _SIGN,
        "{{ co_quan }}: đã tiếp nhận hồ sơ {{ ma_ho_so }}, hẹn trả kết quả {{ han_tra_ket_qua }}. "
        "Tra cứu: {{ lien_ket_tra_cuu }}",
    ),
    Topic.SUPPLEMENT: (
        "Hồ sơ {{ ma_ho_so }} cần bổ sung",
        """Kính gửi {{ ten_nguoi_nop }},

Hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}») cần được bổ sung, hoàn thiện.
Nội dung cần bổ sung: {{ ly_do }}
{% if han_bo_sung %}Thời hạn bổ sung: {{ han_bo_sung }}
{% endif %}Ông/Bà vui lòng nộp bổ sung trên Cổng dịch vụ công hoặc tại {{ co_quan }}. Thời gian bổ sung không tính vào thời hạn giải quyết.
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }} cần bổ sung: {{ ly_do }}. Tra cứu: {{ lien_ket_tra_cuu }}",
    ),
    Topic.FINANCIAL_OBLIGATION: (
        "Hồ sơ {{ ma_ho_so }}: thông báo nộp phí, lệ phí",
        """Kính gửi {{ ten_nguoi_nop }},

Để tiếp tục giải quyết hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}»), Ông/Bà vui lòng thực hiện nghĩa vụ tài chính.
Số tiền phải nộp: {{ so_tien }} đồng{% if da_nop != "0" %} (tổng {{ tong_so_tien }} đồng, đã nộp {{ da_nop }} đồng){% endif %}.
Ông/Bà nộp tại {{ co_quan }} hoặc theo hướng dẫn trên Cổng dịch vụ công.
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }}: vui lòng nộp {{ so_tien }} đồng phí, lệ phí. Tra cứu: {{ lien_ket_tra_cuu }}",
    ),
    Topic.EXTENSION: (
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ ma_ho_so }}",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} chân thành xin lỗi Ông/Bà vì hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}») chưa giải quyết được đúng hẹn {{ han_cu }}.
Lý do: {{ ly_do }}
Thời gian hẹn trả kết quả mới: {{ han_moi }}
"""
        + _SIGN,
        "{{ co_quan }} xin lỗi: hồ sơ {{ ma_ho_so }} hẹn trả lại {{ han_moi }}. Lý do: {{ ly_do }}",
    ),
    Topic.RESULT_READY: (
        "Hồ sơ {{ ma_ho_so }} đã có kết quả",
        """Kính gửi {{ ten_nguoi_nop }},

Hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}») đã có kết quả. Mời Ông/Bà đến nhận kết quả tại {{ co_quan }} hoặc theo hình thức đã đăng ký.
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }} đã có kết quả, mời nhận tại {{ co_quan }}.",
    ),
    Topic.RETURNED: (
        "Đã trả kết quả hồ sơ {{ ma_ho_so }}",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} đã trả kết quả hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}»). Cảm ơn Ông/Bà đã sử dụng dịch vụ; mời Ông/Bà đánh giá mức độ hài lòng trên trang tra cứu hồ sơ.
"""
        + _SIGN,
        "Đã trả kết quả hồ sơ {{ ma_ho_so }}. Mời đánh giá mức độ hài lòng: {{ lien_ket_tra_cuu }}",
    ),
    Topic.REFUSED: (
        "Hồ sơ {{ ma_ho_so }} không được tiếp nhận",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} không tiếp nhận hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}»).
Lý do: {{ ly_do }}
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }} không được tiếp nhận. Lý do: {{ ly_do }}",
    ),
    Topic.WITHDRAWN: (
        "Hồ sơ {{ ma_ho_so }} đã được rút",
        """Kính gửi {{ ten_nguoi_nop }},

Hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}») đã được rút theo đề nghị{% if ly_do %}. Lý do: {{ ly_do }}{% endif %}.
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }} đã được rút.",
    ),
    Topic.STOPPED: (
        "Dừng giải quyết hồ sơ {{ ma_ho_so }}",
        """Kính gửi {{ ten_nguoi_nop }},

Hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}») đã dừng giải quyết.
Lý do: {{ ly_do }}
"""
        + _SIGN,
        "Hồ sơ {{ ma_ho_so }} đã dừng giải quyết. Lý do: {{ ly_do }}",
    ),
    Topic.PAYMENT_RECEIPT: (  # issue 15 item 5: sent with the receipt after each payment recorded
        "Đã nhận {{ so_tien }} đồng phí, lệ phí của hồ sơ {{ ma_ho_so }}: biên lai điện tử số {{ so_bien_lai }}",
        """Kính gửi {{ ten_nguoi_nop }},

{{ co_quan }} đã nhận {{ so_tien }} đồng phí, lệ phí của hồ sơ {{ ma_ho_so }} («{{ ten_thu_tuc }}»).
Biên lai điện tử: ký hiệu {{ ky_hieu_bien_lai }}, số {{ so_bien_lai }}.
Tải biên lai (PDF): {{ lien_ket_bien_lai }}
Kiểm tra biên lai: {{ lien_ket_kiem_tra_bien_lai }}
"""
        + _SIGN,
        "{{ co_quan }}: đã nhận {{ so_tien }} đồng phí, lệ phí hồ sơ {{ ma_ho_so }}. Biên lai {{ ky_hieu_bien_lai }} số {{ so_bien_lai }}: {{ lien_ket_bien_lai }}",
    ),
    Topic.FEEDBACK_ANSWERED: (
        "Trả lời phản ánh, kiến nghị {{ ma_phan_anh }}",
        """Kính gửi {{ ten_nguoi_gui }},

{{ co_quan }} đã có kết quả xử lý phản ánh, kiến nghị {{ ma_phan_anh }} («{{ tieu_de }}») của Ông/Bà lúc {{ ngay_tra_loi }}:

{{ noi_dung_tra_loi }}

Theo dõi phản ánh tại {{ lien_ket_tra_cuu }} (nhập mã phản ánh và mã tra cứu đã được cấp khi gửi).

Thư này được gửi tự động, xin vui lòng không trả lời thư.""",
        "Phản ánh {{ ma_phan_anh }} đã có kết quả xử lý. Xem tại {{ lien_ket_tra_cuu }}",
    ),
}

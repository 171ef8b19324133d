"""Rendering the message templates: Django's template language on a safe context.

The engine is a private one: no template loaders (``{% include %}`` and ``{% extends %}`` find nothing),
no ``{% load %}``-able libraries, no ``{% debug %}``, no autoescaping (the messages are plain text), and
a context of strings only (no model object whose methods a template could call). An administrator's
mistake is caught when the template is saved (:func:`template_check`); at send time a template that
still fails raises :class:`~cchc.notifications.constants.NotificationError`.
"""

from __future__ import annotations

from functools import cache

from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import DebugNode

from cchc.notifications.constants import NotificationError, NotificationErrorCode, Topic

# The variables of every dossier message, with an example (the admin's help and the check's sample).
DOSSIER_VARIABLES: dict[str, str] = {
    "ma_ho_so": "000.00.00.H56-260107-0001",
    "ten_nguoi_nop": "Nguyễn Thị Lan",
    "ten_thu_tuc": "Cấp Phiếu lý lịch tư pháp",
    "ngay_nop": "08:30 ngày 07/01/2026",
    "han_tra_ket_qua": "16:30 ngày 14/01/2026",
    "co_quan": "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
    "lien_ket_tra_cuu": "https://dichvucong.example.vn/dich-vu-cong/tra-cuu/",
    "lien_ket_ho_so_cua_toi": "https://dichvucong.example.vn/dich-vu-cong/ho-so-cua-toi/",  # signed in (issue 15)
}
TOPIC_VARIABLES: dict[Topic, dict[str, str]] = {
    Topic.SUBMITTED: {},
    Topic.RECEIPT: {},
    Topic.SUPPLEMENT: {"ly_do": "Bổ sung bản sao căn cước", "han_bo_sung": ""},
    Topic.FINANCIAL_OBLIGATION: {"so_tien": "200.000", "tong_so_tien": "200.000", "da_nop": "0"},
    Topic.EXTENSION: {
        "ly_do": "Cần xác minh thêm",
        "han_cu": "16:30 ngày 14/01/2026",
        "han_moi": "16:30 ngày 21/01/2026",
    },
    Topic.RESULT_READY: {},
    Topic.RETURNED: {},
    Topic.REFUSED: {"ly_do": "Hồ sơ không thuộc thẩm quyền"},
    Topic.WITHDRAWN: {"ly_do": "Người nộp đề nghị rút hồ sơ"},
    Topic.STOPPED: {"ly_do": "Người nộp đề nghị dừng"},
    Topic.PAYMENT_RECEIPT: {  # issue 15 item 5
        "so_tien": "200.000",
        "ky_hieu_bien_lai": "CC-26E",
        "so_bien_lai": "0000001",
        "lien_ket_bien_lai": "https://dichvucong.example.vn/bien-lai/3f2a9c/tai-ve/?k=abc",
        "lien_ket_kiem_tra_bien_lai": "https://dichvucong.example.vn/bien-lai/3f2a9c/",
    },
}
FEEDBACK_VARIABLES: dict[str, str] = {
    "ma_phan_anh": "PA-2026-000123",
    "ten_nguoi_gui": "Nguyễn Văn An",
    "tieu_de": "Chậm trả kết quả hộ tịch",
    "noi_dung_tra_loi": "Ủy ban nhân dân phường đã chỉ đạo trả kết quả ngay trong ngày.",
    "ngay_tra_loi": "10:00 ngày 20/01/2026",
    "co_quan": "Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa",
    "lien_ket_tra_cuu": "https://dichvucong.example.vn/phan-anh/tra-cuu/",
}


def variables(topic: str) -> dict[str, str]:
    """The variables a template of ``topic`` may use, each with an example value."""
    if topic == Topic.FEEDBACK_ANSWERED:
        return dict(FEEDBACK_VARIABLES)
    return {**DOSSIER_VARIABLES, **TOPIC_VARIABLES.get(Topic(topic), {})}


_UNKNOWN = "\x00THIEU:%s\x00"


@cache
def _engine(*, strict: bool) -> Engine:
    # no dirs, no app directories, no libraries: only the built-in tags and filters
    return Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, string_if_invalid=_UNKNOWN if strict else "")


def _render(source: str, context: dict[str, str], *, strict: bool) -> str:
    template = _engine(strict=strict).from_string(source)
    if template.nodelist.get_nodes_by_type(DebugNode):
        raise TemplateSyntaxError("thẻ {% debug %} không được dùng trong mẫu thông báo")
    return template.render(Context(context, autoescape=False))


def template_check(*, topic: str, subject: str, body: str) -> list[str]:
    """The Vietnamese errors of a template (empty: it is valid): it must compile, render with the
    example context, name only the topic's variables, and leave a non-empty body."""
    sample = variables(topic)
    errors: list[str] = []
    for label, source in (("Tiêu đề", subject), ("Nội dung", body)):
        try:
            text = _render(source, sample, strict=True)
        except TemplateSyntaxError as exc:
            errors.append(f"{label}: mẫu sai cú pháp ({exc}).")
            continue
        except Exception as exc:  # a filter failing on the example values
            errors.append(f"{label}: mẫu không hiển thị được ({type(exc).__name__}: {exc}).")
            continue
        unknown = sorted({part.split("\x00", 1)[0] for part in text.split("\x00THIEU:")[1:]})
        if unknown:
            names = ", ".join("{{ " + name + " }}" for name in unknown)
            allowed = ", ".join(sorted(sample))
            errors.append(f"{label}: biến không có trong thông báo này: {names}. Các biến dùng được: {allowed}.")
        elif label == "Nội dung" and not text.strip():
            errors.append("Nội dung: thông báo không được để trống.")
    return errors


def render_message(*, topic: str, subject: str, body: str, context: dict[str, str]) -> tuple[str, str]:
    """``(subject, body)`` rendered on ``context`` (strings only). The subject is one line."""
    try:
        rendered_subject = " ".join(_render(subject, context, strict=False).split())
        rendered_body = _render(body, context, strict=False).strip()
    except Exception as exc:
        raise NotificationError(
            NotificationErrorCode.TEMPLATE_INVALID,
            f"Mẫu thông báo «{Topic(topic).label}» không hiển thị được: {type(exc).__name__}: {exc}. "
            "Sửa mẫu trong trang quản trị rồi gửi lại sự kiện.",
        ) from exc
    if not rendered_body:
        raise NotificationError(
            NotificationErrorCode.TEMPLATE_INVALID, f"Mẫu thông báo «{Topic(topic).label}» cho nội dung rỗng."
        )
    return rendered_subject, rendered_body

"""Feedback pages under /phan-anh/: the citizen's (published answers, filing, lookup, adding
information, rating) and the staff console's (queue by deadline, one page per feedback with one form
per allowed action).

Citizens have no login: a feedback is theirs by its code and the phone number (or the lookup code)
given when filing, and the session remembers what this browser filed or looked up. Staff log in
through the one-stop-shop console's login; an officer sees the feedback of the agencies they act for
today, staff of the province's TTHC control unit (``control_agency_code``) see all (404 otherwise).
Each POST calls one service; a refusal re-renders the page with the Vietnamese message and changes
nothing (400 bad input, 403 not permitted, 409 wrong state, 413 / 415 for a wrong file).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.constants import Area
from cchc.accounts.selectors import agency_staff
from cchc.common.throttle import FailureThrottle
from cchc.dossiers.lookups import LOOKUPS as DOSSIER_LOOKUPS
from cchc.feedback import services
from cchc.feedback.constants import TRANSITIONS, Action, FeedbackError, FeedbackErrorCode, FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.selectors import (
    StaffScope,
    feedback_agencies_for_portal,
    feedback_get_for_staff,
    feedback_get_public,
    feedback_get_published,
    feedback_list_for_staff,
    feedback_list_published,
    feedback_lookup_public,
    feedback_staff_scope,
)
from cchc.feedback.timeliness import is_on_time, running_due
from cchc.feedback.web import forms as f

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
SESSION_FILED = "feedback_filed"  # code -> lookup code, for the confirmation page only
SESSION_SEEN = "feedback_seen"  # codes filed or looked up from this browser
LOOKUP_LIMIT = 10  # failed lookups allowed per client address ...
LOOKUP_WINDOW = 15 * 60  # ... within this many seconds
LOOKUPS = FailureThrottle("feedback-lookup", LOOKUP_LIMIT, LOOKUP_WINDOW)
LOGIN_URL = reverse_lazy("dossiers_web:login")

# Staff actions: URL slug -> (action, title, danger)
STAFF_ACTIONS: dict[str, tuple[Action, str, bool]] = {
    "giao-xu-ly": (Action.ASSIGN, "Phân loại và giao xử lý", False),
    "tra-loi": (Action.ANSWER, "Ghi nhận kết quả trả lời", False),
    "cong-khai": (Action.PUBLISH, "Công khai kết quả trả lời", False),
    "yeu-cau-bo-sung": (Action.REQUEST_INFO, "Yêu cầu bổ sung thông tin", False),
    "tu-choi": (Action.REJECT, "Không tiếp nhận xử lý", True),
}


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def _remember(request: HttpRequest, code: str) -> None:
    seen = [c for c in request.session.get(SESSION_SEEN, []) if isinstance(c, str)]
    if code not in seen:
        seen = (seen + [code])[-50:]
    request.session[SESSION_SEEN] = seen


def _seen(request: HttpRequest, code: str) -> Feedback | None:
    if code not in request.session.get(SESSION_SEEN, []):
        return None
    try:
        return feedback_get_public(code=code)
    except Feedback.DoesNotExist:
        return None


def _stages(fb: Feedback, now: datetime) -> list[dict[str, Any]]:
    """The stage deadlines as the pages show them: done on time / late, still possible, overdue."""
    allowed = TRANSITIONS[FeedbackStatus(fb.status)]
    rows = [
        ("Từ chối (nếu có)", fb.reject_due_at, fb.rejected_at, Action.REJECT),
        ("Yêu cầu bổ sung (nếu có)", fb.info_due_at, fb.info_requested_at, Action.REQUEST_INFO),
        ("Trả lời", fb.answer_due_at, fb.answered_at, None),
        ("Công khai kết quả", fb.publish_due_at, fb.published_at, None),
    ]
    closed = fb.status in (FeedbackStatus.REJECTED, FeedbackStatus.PUBLISHED)
    result = []
    for label, due, done, optional in rows:
        if done is not None:
            state, css = ("Đúng hạn", "ok") if due is None or done <= due else ("Trễ hạn", "late")
        elif closed or (optional is not None and optional not in allowed):
            state, css = "Không thực hiện", "muted"
        elif optional is not None:
            state, css = (
                ("Có thể thực hiện đến hạn", "pending") if due is not None and due >= now else ("Đã qua hạn", "muted")
            )
        elif due is None:
            state, css = "Chưa tính (chờ bước trước hoặc chờ người phản ánh)", "muted"
        elif due < now:
            state, css = "Quá hạn", "late"
        else:
            state, css = "Chưa đến hạn", "pending"
        result.append({"label": label, "due": when(due), "done": when(done), "state": state, "css": css})
    return result


def _history(fb: Feedback) -> list[dict[str, str]]:
    """Milestones a citizen may see (no officer names)."""
    rows: list[tuple[datetime, str, str]] = [(fb.submitted_at, "Gửi và tiếp nhận phản ánh", "")]
    if fb.info_requested_at:
        rows.append((fb.info_requested_at, "Cơ quan yêu cầu bổ sung thông tin", fb.info_request))
    if fb.resubmitted_at:
        rows.append((fb.resubmitted_at, "Đã bổ sung thông tin", fb.resubmission))
    if fb.rejected_at:
        rows.append((fb.rejected_at, "Không tiếp nhận xử lý", fb.reject_reason))
    if fb.assigned_at:
        rows.append((fb.assigned_at, "Đã phân loại và giao xử lý", fb.get_classification_display()))
    if fb.answered_at:
        rows.append((fb.answered_at, "Đã có kết quả xử lý", ""))
    if fb.published_at:
        rows.append((fb.published_at, "Đã công khai kết quả", ""))
    if fb.rated_at:
        rows.append((fb.rated_at, "Người phản ánh đã đánh giá", fb.get_rating_display()))
    rows.sort(key=lambda row: row[0])
    return [{"at": when(at), "iso": at.isoformat(), "label": label, "detail": detail} for at, label, detail in rows]


def _answer_file_response(fb: Feedback) -> FileResponse:
    if not fb.answer_file:
        raise Http404("Không có văn bản trả lời.")
    return FileResponse(
        fb.answer_file.open("rb"),
        as_attachment=True,
        filename=f"{fb.code}-tra-loi{fb.answer_file_extension}",
        content_type=fb.answer_file_type or "application/octet-stream",
    )


# --- public: published answers --------------------------------------------------------------------------


def published_list(request: HttpRequest) -> HttpResponse:
    """Published answers, searchable without regard to diacritics."""
    form = f.SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(feedback_list_published(text=text or ""), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "feedback/published_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "searched": bool(text)},
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


def published_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        fb = feedback_get_published(code=code)
    except Feedback.DoesNotExist as exc:
        raise Http404("Không tìm thấy kết quả đã công khai.") from exc
    return render(request, "feedback/published_detail.html", {"fb": fb, "published_at": when(fb.published_at)})


def published_file(request: HttpRequest, code: str) -> HttpResponseBase:
    try:
        fb = feedback_get_published(code=code)
    except Feedback.DoesNotExist as exc:
        raise Http404("Không tìm thấy kết quả đã công khai.") from exc
    return _answer_file_response(fb)


# --- public: filing ---------------------------------------------------------------------------------------


def submit(request: HttpRequest) -> HttpResponse:
    """The feedback form; on success the confirmation with the code and the lookup code."""
    agencies = feedback_agencies_for_portal(on=timezone.localdate())
    posted = request.method == "POST"
    form = f.SubmitForm(request.POST if posted else None, agencies=agencies)
    if not posted:
        initial_dossier = request.GET.get("ho-so", "")[:60]
        if initial_dossier:
            form.initial["dossier_code"] = initial_dossier
        return render(request, "feedback/submit.html", {"form": form})
    if not form.is_valid():
        return render(request, "feedback/submit.html", {"form": form}, status=400)
    data = form.cleaned_data
    if str(data["dossier_code"] or "").strip() and DOSSIER_LOOKUPS.blocked(request):
        # the dossier field tells whether a code exists: guesses share the portal's look-up budget
        error = "Bạn đã nhập mã hồ sơ không đúng quá nhiều lần. Vui lòng thử lại sau 15 phút, hoặc bỏ trống mã hồ sơ."
        return render(request, "feedback/submit.html", {"form": form, "error": error}, status=429)
    try:
        result = services.feedback_submit(
            submitter=services.Submitter(
                name=data["submitter_name"],
                phone=data["submitter_phone"],
                email=data["submitter_email"] or "",
                id_number=data["submitter_id_number"],
            ),
            subject=data["subject"],
            content=data["content"],
            agency=data["agency"],
            dossier_code=data["dossier_code"],
            previous_code=data["previous_code"],
            at=timezone.now(),
        )
    except FeedbackError as exc:
        if exc.code == FeedbackErrorCode.DOSSIER_NOT_FOUND:
            DOSSIER_LOOKUPS.failed(request)
        return render(
            request,
            "feedback/submit.html",
            {"form": form, "error": exc.message},
            status=exc.http_status,
        )
    code = result.feedback.code
    filed = dict(request.session.get(SESSION_FILED, {}))
    filed[code] = result.lookup_code
    request.session[SESSION_FILED] = dict(list(filed.items())[-20:])
    _remember(request, code)
    return HttpResponseRedirect(reverse("feedback_web:submitted", kwargs={"code": code}))


def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation, only in the browser that filed the feedback (the lookup code is shown here only)."""
    lookup_code = request.session.get(SESSION_FILED, {}).get(code)
    fb = _seen(request, code)
    if lookup_code is None or fb is None:
        raise Http404("Không tìm thấy phản ánh.")
    return render(
        request,
        "feedback/submitted.html",
        {
            "fb": fb,
            "lookup_code": lookup_code,
            "submitted_at": when(fb.submitted_at),
            "answer_due": when(fb.answer_due_at),
        },
    )


# --- public: lookup, tracking, adding information, rating ------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    """Look a feedback up by code and phone (or lookup code): the same answer for an unknown code and a
    wrong second factor; failed attempts are limited per client address."""
    form = f.LookupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "feedback/lookup.html", {"form": form})
    if LOOKUPS.blocked(request):
        error = "Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau 15 phút."
        return render(request, "feedback/lookup.html", {"form": form, "error": error}, status=429)
    if not form.is_valid():
        return render(request, "feedback/lookup.html", {"form": form}, status=400)
    fb = feedback_lookup_public(reference=form.cleaned_data["reference"], factor=form.cleaned_data["factor"])
    if fb is None:
        LOOKUPS.failed(request)
        error = (
            "Không tìm thấy phản ánh với mã và thông tin xác thực đã nhập. Vui lòng kiểm tra lại mã phản ánh "
            "và số điện thoại (hoặc mã tra cứu) đã nhận khi gửi."
        )
        return render(request, "feedback/lookup.html", {"form": form, "error": error}, status=404)
    _remember(request, fb.code)
    return HttpResponseRedirect(reverse("feedback_web:track", kwargs={"code": fb.code}))


def _track_page(
    request: HttpRequest,
    fb: Feedback,
    *,
    rating_form: f.RatingForm | None = None,
    resubmit_form: f.ResubmitForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    can_rate = fb.status == FeedbackStatus.PUBLISHED and not fb.rating
    can_resubmit = fb.status == FeedbackStatus.INFO_REQUESTED
    return render(
        request,
        "feedback/track.html",
        {
            "fb": fb,
            "status_label": FeedbackStatus(fb.status).label,
            "history": _history(fb),
            "answer_due": when(fb.answer_due_at),
            "published_at": when(fb.published_at),
            "rating_form": rating_form if rating_form is not None else (f.RatingForm() if can_rate else None),
            "resubmit_form": resubmit_form
            if resubmit_form is not None
            else (f.ResubmitForm() if can_resubmit else None),
            "error": error,
        },
        status=status,
    )


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The status of a feedback this browser filed or looked up (otherwise back to the lookup form)."""
    fb = _seen(request, code)
    if fb is None:
        return HttpResponseRedirect(reverse("feedback_web:lookup"))
    return _track_page(request, fb)


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    fb = _seen(request, code)
    if fb is None:
        return HttpResponseRedirect(reverse("feedback_web:lookup"))
    form = f.RatingForm(request.POST)
    if not form.is_valid():
        return _track_page(request, fb, rating_form=form, status=400)
    try:
        services.feedback_rate(
            feedback=fb, level=form.cleaned_data["level"], comment=form.cleaned_data["comment"], at=timezone.now()
        )
    except FeedbackError as exc:
        fb = feedback_get_public(code=code)
        return _track_page(request, fb, error=exc.message, status=exc.http_status)
    messages.success(request, "Cảm ơn bạn đã đánh giá kết quả xử lý phản ánh.")
    return HttpResponseRedirect(reverse("feedback_web:track", kwargs={"code": code}))


@require_POST
def track_resubmit(request: HttpRequest, code: str) -> HttpResponse:
    fb = _seen(request, code)
    if fb is None:
        return HttpResponseRedirect(reverse("feedback_web:lookup"))
    form = f.ResubmitForm(request.POST)
    if not form.is_valid():
        return _track_page(request, fb, resubmit_form=form, status=400)
    try:
        services.feedback_resubmit(feedback=fb, information=form.cleaned_data["information"], at=timezone.now())
    except FeedbackError as exc:
        fb = feedback_get_public(code=code)
        return _track_page(request, fb, error=exc.message, status=exc.http_status)
    messages.success(request, "Đã gửi thông tin bổ sung. Cơ quan sẽ tiếp tục xử lý phản ánh của bạn.")
    return HttpResponseRedirect(reverse("feedback_web:track", kwargs={"code": code}))


# --- staff console ----------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> StaffScope:
    return feedback_staff_scope(user=request.user, on=timezone.localdate())  # type: ignore[arg-type]


@login_required(login_url=LOGIN_URL)
def staff_queue(request: HttpRequest) -> HttpResponse:
    """Open feedback of the officer's agencies by the deadline that runs; or the closed ones.

    performance: a fixed number of queries: the memberships, the count and the page.
    """
    now = timezone.now()
    scope = _scope(request)
    closed = request.GET.get("loai") == "da-xong"
    queryset = feedback_list_for_staff(scope=scope, open_only=not closed)
    page = Paginator(queryset, STAFF_PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = []
    for fb in page:
        due = running_due(fb, at=now)
        rows.append(
            {
                "fb": fb,
                "due": when(due),
                "overdue": due is not None and due < now,
                "on_time": is_on_time(fb, at=now),
            }
        )
    return render(
        request,
        "feedback/staff_queue.html",
        {"page": page, "rows": rows, "closed": closed, "scope": scope},
    )


def _staff_feedback(request: HttpRequest, code: str) -> tuple[Feedback, StaffScope]:
    scope = _scope(request)
    try:
        return feedback_get_for_staff(scope=scope, code=code), scope
    except Feedback.DoesNotExist as exc:
        raise Http404("Không tìm thấy phản ánh (hoặc bạn không được xem phản ánh này).") from exc


def _action_form(slug: str, fb: Feedback, data: Any = None, files: Any = None) -> Any:
    action = STAFF_ACTIONS[slug][0]
    if action == Action.REJECT:
        return f.RejectForm(data, prefix=slug)
    if action == Action.REQUEST_INFO:
        return f.RequestInfoForm(data, prefix=slug)
    if action == Action.ASSIGN:
        today = timezone.localdate()
        return f.AssignForm(
            data,
            prefix=slug,
            agencies=feedback_agencies_for_portal(on=today),
            staff=agency_staff(agency=fb.agency, on=today, area=Area.FEEDBACK),
            initial={"agency": fb.agency_id, "classification": fb.classification or None},
        )
    if action == Action.ANSWER:
        return f.AnswerForm(data, files, prefix=slug)
    return f.PublishForm(data, prefix=slug)


def _detail_page(
    request: HttpRequest, fb: Feedback, *, bound: Any = None, bound_slug: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    allowed = TRANSITIONS[FeedbackStatus(fb.status)]
    forms = []
    for slug, (action, title, danger) in STAFF_ACTIONS.items():
        if action not in allowed:
            continue
        form = bound if slug == bound_slug and bound is not None else _action_form(slug, fb)
        forms.append(
            {
                "slug": slug,
                "title": title,
                "danger": danger,
                "form": form,
                "open": slug == bound_slug,
                "multipart": action == Action.ANSWER,
            }
        )
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "fb": fb,
            "status_label": FeedbackStatus(fb.status).label,
            "stages": _stages(fb, now),
            "on_time": is_on_time(fb, at=now),
            "history": _history(fb),
            "action_forms": forms,
            "bound": bound,
            "error": error,
            "when": when,
            "submitted_at": when(fb.submitted_at),
        },
        status=status,
    )


@login_required(login_url=LOGIN_URL)
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    fb, _ = _staff_feedback(request, code)
    return _detail_page(request, fb)


@login_required(login_url=LOGIN_URL)
def staff_file(request: HttpRequest, code: str) -> HttpResponseBase:
    fb, _ = _staff_feedback(request, code)
    return _answer_file_response(fb)


@require_POST
@login_required(login_url=LOGIN_URL)
def staff_action(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    if slug not in STAFF_ACTIONS:
        raise Http404("Không có thao tác này.")
    fb, _ = _staff_feedback(request, code)
    action, title, _danger = STAFF_ACTIONS[slug]
    form = _action_form(slug, fb, request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, fb, bound=form, bound_slug=slug, status=400)
    data = form.cleaned_data
    user: Any = request.user
    now = timezone.now()
    try:
        if action == Action.REJECT:
            services.feedback_reject(feedback=fb, actor=user, reason=data["reason"], at=now)
        elif action == Action.REQUEST_INFO:
            services.feedback_request_info(feedback=fb, actor=user, request=data["request"], at=now)
        elif action == Action.ASSIGN:
            services.feedback_assign(
                feedback=fb,
                actor=user,
                classification=data["classification"],
                agency=data["agency"],
                assignee=data["assignee"],
                at=now,
            )
        elif action == Action.ANSWER:
            services.feedback_answer(feedback=fb, actor=user, answer=data["answer"], file=data["file"], at=now)
        else:
            services.feedback_publish(feedback=fb, actor=user, at=now)
    except FeedbackError as exc:
        fb, _ = _staff_feedback(request, code)
        return _detail_page(request, fb, bound=form, bound_slug=slug, error=exc.message, status=exc.http_status)
    messages.success(request, f"Đã thực hiện: {title.lower()}.")
    if action == Action.ASSIGN and not _scope(request).covers(int(data["agency"].pk)):
        return HttpResponseRedirect(reverse("feedback_web:staff_queue"))
    return HttpResponseRedirect(reverse("feedback_web:staff_detail", kwargs={"code": code}))

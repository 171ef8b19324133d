"""Sending the notifications: the outbox subscriber ``notifications`` and the one place that writes
``Notification`` rows.

The subscriber runs in the outbox dispatcher, after the transition committed: a message never blocks
nor rolls back a transition. For each event it finds the person to tell (the dossier's applicant on the
channels they chose, ``Dossier.notify_channels``; the author of a feedback), renders the topic's template
per channel and sends it.

Idempotency (at-least-once delivery): each message has the key ``"<event id>:<channel>"``, unique. The
row is written first (status ``pending``) and locked while the message is sent; then marked ``sent`` or
``failed``. A second delivery of the event finds the ``sent`` row and sends nothing; a ``failed`` (or
never finished) row is sent again. When a message fails the handler raises after trying the others, so
the dispatcher retries the event; the messages already sent are not repeated. The key also travels to
the SMS/Zalo provider (``reference``) and in the e-mail's ``Message-ID``.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cchc.common.numbers import vi_number
from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.constants import Channel as DossierChannel
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_submission_reference
from cchc.feedback.models import Feedback
from cchc.notifications.constants import (
    EVENT_TOPICS,
    Channel,
    NotificationError,
    NotificationErrorCode,
    Status,
    Topic,
)
from cchc.notifications.gateways import gateway_for
from cchc.notifications.models import MessageTemplate, Notification
from cchc.notifications.rendering import render_message
from cchc.org.selectors import agency_name_on, one_stop_desk_on

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

logger = logging.getLogger("cchc.notifications")


@dataclass(frozen=True)
class Outgoing:
    """One message to write: a topic on a channel to a recipient, with its template context."""

    topic: Topic
    channel: Channel
    recipient: str
    context: dict[str, str]
    dossier_id: int | None = None
    feedback_id: int | None = None


# --- the context of a message ------------------------------------------------------------------------


def _when(value: str | datetime | None) -> str:
    """``08:30 ngày 07/01/2026`` (Vietnam time) from an ISO string or a datetime; "" when absent."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)  # not a moment: said as written rather than failing the message
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _money(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return vi_number(amount, 0)


def site_url(path: str) -> str:
    """An absolute link to ``path`` on the public site (``CCHC_SITE_URL``)."""
    base = str(getattr(settings, "CCHC_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + path


def _day(payload: dict[str, Any]) -> date:
    try:
        moment = datetime.fromisoformat(payload["at"])
    except (KeyError, TypeError, ValueError):
        moment = timezone.now()
    return moment.astimezone(VN_TZ).date()


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _reason(dossier: Dossier, topic: Topic, details: dict[str, Any]) -> str:
    """The reason the event carries, else the one recorded on the dossier for that kind of step."""
    if details.get("reason"):
        return str(details["reason"])
    if topic == Topic.SUPPLEMENT:
        latest = dossier.supplements.order_by("-requested_at", "-pk").first()
        return latest.reason if latest is not None else ""
    if topic == Topic.EXTENSION:
        extension = dossier.extensions.order_by("-at", "-pk").first()
        return extension.reason if extension is not None else ""
    return dossier.end_reason


def _dossier_context(dossier: Dossier, topic: Topic, payload: dict[str, Any]) -> dict[str, str]:
    details = payload.get("details") or {}
    code = payload.get("code") or dossier.code or dossier_submission_reference(dossier)
    context = {
        "ma_ho_so": code,
        "ten_nguoi_nop": dossier.applicant_name,
        "ten_thu_tuc": dossier.procedure_version.name,
        "ngay_nop": _when(dossier.submitted_at),
        "han_tra_ket_qua": _when(payload.get("due_at") or dossier.due_at),
        "co_quan": one_stop_desk_on(dossier.receiving_agency, on=_day(payload)).full_name,
        "lien_ket_tra_cuu": site_url(reverse("portal:lookup")),
        "lien_ket_ho_so_cua_toi": site_url(reverse("identity:mine")),
    }
    if topic in (Topic.SUPPLEMENT, Topic.REFUSED, Topic.WITHDRAWN, Topic.STOPPED, Topic.EXTENSION):
        context["ly_do"] = _reason(dossier, topic, details)
    if topic == Topic.SUPPLEMENT:
        context["han_bo_sung"] = _when(details.get("deadline"))
    if topic == Topic.FINANCIAL_OBLIGATION:
        due, paid = _amount(details.get("due")), _amount(details.get("paid") or 0)
        if due is None:  # not in the event: the dossier's fee lines and payments
            due = sum((line.amount or Decimal(0) for line in dossier.fee_lines.all()), Decimal(0))
            paid = sum((payment.amount for payment in dossier.payments.all()), Decimal(0))
        paid = paid or Decimal(0)
        context.update(so_tien=_money(max(due - paid, Decimal(0))), tong_so_tien=_money(due), da_nop=_money(paid))
    if topic == Topic.PAYMENT_RECEIPT:  # issue 15 item 5: the receipt's event carries its links
        context.update(
            so_tien=_money(details.get("amount")),
            ky_hieu_bien_lai=str(details.get("symbol", "")),
            so_bien_lai=str(details.get("number", "")),
            lien_ket_bien_lai=str(details.get("download_url", "")),
            lien_ket_kiem_tra_bien_lai=str(details.get("verify_url", "")),
        )
    if topic == Topic.EXTENSION:
        context.update(han_cu=_when(details.get("previous_due_at")), han_moi=_when(details.get("new_due_at")))
    return context


def _dossier_messages(event: OutboxEvent, topic: Topic) -> list[Outgoing]:
    payload = event.payload
    if topic == Topic.SUBMITTED and payload.get("channel") != DossierChannel.ONLINE:
        return []  # at the counter the applicant is there: the receipt is the first message
    dossier = (
        Dossier.objects.select_related("procedure_version", "receiving_agency__parent", "receiving_agency__unit")
        .prefetch_related("receiving_agency__names")
        .filter(pk=payload.get("dossier_id"))
        .first()
    )
    if dossier is None:
        logger.warning("Sự kiện %s: không còn hồ sơ %s, không gửi thông báo.", event.pk, payload.get("dossier_id"))
        return []
    channels = [c for c in dossier.notify_channels or [] if c in Channel.values]
    if not channels:
        return []
    context = _dossier_context(dossier, topic, payload)
    messages = []
    for channel in channels:
        recipient = dossier.applicant_email if channel == Channel.EMAIL else dossier.applicant_phone
        if recipient:
            messages.append(Outgoing(topic, Channel(channel), recipient, context, dossier_id=dossier.pk))
    return messages


def _feedback_messages(event: OutboxEvent, topic: Topic) -> list[Outgoing]:
    payload = event.payload
    feedback = (
        Feedback.objects.select_related("agency")
        .prefetch_related("agency__names")
        .filter(pk=payload.get("feedback_id"))
        .first()
    )
    if feedback is None:
        return []
    context = {
        "ma_phan_anh": feedback.code,
        "ten_nguoi_gui": feedback.submitter_name,
        "tieu_de": feedback.subject,
        "noi_dung_tra_loi": feedback.answer,
        "ngay_tra_loi": _when(feedback.answered_at),
        "co_quan": agency_name_on(feedback.agency, on=_day(payload)),
        "lien_ket_tra_cuu": site_url(reverse("feedback_web:lookup")),
    }
    # the author is told by e-mail when they gave an address, otherwise by SMS to the phone they gave
    if feedback.submitter_email:
        return [Outgoing(topic, Channel.EMAIL, feedback.submitter_email, context, feedback_id=feedback.pk)]
    if feedback.submitter_phone:
        return [Outgoing(topic, Channel.SMS, feedback.submitter_phone, context, feedback_id=feedback.pk)]
    return []


# --- sending -----------------------------------------------------------------------------------------


def _send_email(*, recipient: str, subject: str, body: str, key: str) -> str:
    domain = str(getattr(settings, "DEFAULT_FROM_EMAIL", "cchc@localhost")).rpartition("@")[2] or "localhost"
    message_id = make_msgid(idstring=re.sub(r"[^0-9A-Za-z.-]", "-", key), domain=domain)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers={"Message-ID": message_id, "X-CCHC-Notification": key},
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise NotificationError(
            NotificationErrorCode.SEND_FAILED,
            f"Không gửi được thư điện tử đến {recipient}: {type(exc).__name__}: {exc}.",
        ) from exc
    return message_id


def _send(out: Outgoing, *, subject: str, body: str, key: str) -> str:
    if out.channel == Channel.EMAIL:
        return _send_email(recipient=out.recipient, subject=subject, body=body, key=key)
    return gateway_for(out.channel).send(out.recipient, body, reference=key)


def template_for(topic: Topic, channel: Channel) -> MessageTemplate | None:
    """The template of ``topic`` on ``channel``: the admin's row (None when it is switched off), else
    the shipped default (``cchc.notifications.defaults``; a deleted row falls back to it)."""
    from cchc.notifications.defaults import DEFAULTS

    row = MessageTemplate.objects.filter(topic=topic, channel=channel).first()
    if row is not None:
        return row if row.active else None
    subject, body, short = DEFAULTS[topic]
    email = channel == Channel.EMAIL
    return MessageTemplate(
        topic=topic, channel=channel, subject=subject if email else "", body=body if email else short
    )


def _deliver(event: OutboxEvent, out: Outgoing) -> Notification | None:
    """Record, send and mark one message; raises :class:`NotificationError` when it failed (recorded)."""
    template = template_for(out.topic, out.channel)
    if template is None:
        return None  # switched off in the admin
    key = f"{event.pk}:{out.channel}"
    failure: NotificationError | None = None
    with transaction.atomic():
        row, _ = Notification.objects.select_for_update().get_or_create(
            key=key,
            defaults={
                "event_id": event.pk,
                "topic": out.topic,
                "channel": out.channel,
                "recipient": out.recipient,
                "dossier_id": out.dossier_id,
                "feedback_id": out.feedback_id,
            },
        )
        if row.status == Status.SENT:
            return row  # a second delivery of the event: already sent, nothing again
        row.recipient = out.recipient
        row.attempts += 1
        try:
            row.subject, row.body = render_message(
                topic=out.topic, subject=template.subject, body=template.body, context=out.context
            )
            row.provider_id = _send(out, subject=row.subject, body=row.body, key=key)
        except NotificationError as exc:
            failure = exc
            row.status, row.error = Status.FAILED, exc.message
        else:
            row.status, row.error, row.sent_at = Status.SENT, "", timezone.now()
        row.save()
    if failure is not None:
        raise failure
    return row


def notification_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``notifications``: send the messages of ``event`` (see the module).

    Raises :class:`NotificationError` when a message could not be rendered or sent (after recording it),
    so that the dispatcher retries the event and finally dead-letters it with that error.
    """
    topic = EVENT_TOPICS.get(event.topic)
    if topic is None:
        return
    if topic == Topic.FEEDBACK_ANSWERED:
        messages = _feedback_messages(event, topic)
    else:
        messages = _dossier_messages(event, topic)
    errors: list[NotificationError] = []
    for out in messages:
        try:
            _deliver(event, out)
        except NotificationError as exc:
            errors.append(exc)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise NotificationError(errors[0].code, " ".join(e.message for e in errors))


def templates_reset(*, force: bool = False) -> tuple[int, int]:
    """Create the missing default templates (``force``: also overwrite edited ones). Returns
    ``(created, replaced)``."""
    from cchc.notifications.defaults import DEFAULTS

    created = replaced = 0
    with transaction.atomic():
        for topic, (subject, body, short) in DEFAULTS.items():
            for channel in Channel:
                email = channel == Channel.EMAIL
                values = {"subject": subject if email else "", "body": body if email else short}
                row, made = MessageTemplate.objects.get_or_create(topic=topic, channel=channel, defaults=values)
                if made:
                    created += 1
                elif force:
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.active = True
                    row.save()
                    replaced += 1
    return created, replaced

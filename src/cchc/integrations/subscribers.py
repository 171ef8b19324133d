"""The outbox subscribers of the integrations, registered when the app is ready (each partner's
module adds its own with ``cchc.outbox.registry.register``)."""

from __future__ import annotations

# --- the national feedback system (PAKN): answers sent back (cchc.integrations.national_feedback) ---


def _register_national_feedback() -> None:
    from django.conf import settings

    if (getattr(settings, "CCHC_PARTNERS", {}).get("pakn") or {}).get("url"):
        from cchc.integrations.national_feedback.answers import register_answers_subscriber

        register_answers_subscriber()


_register_national_feedback()

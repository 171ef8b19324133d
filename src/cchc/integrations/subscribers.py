"""The outbox subscribers of the integrations, registered when the app is ready, each only when its
partner's URL is set (``settings.CCHC_PARTNERS``): without one nothing is sent and no delivery waits."""

from __future__ import annotations

from django.conf import settings

from cchc.integrations.national_portal.subscriber import subscriber_register_if_configured

# --- the national portal's dossier sync: integrations.dvcqg (cchc.integrations.national_portal) ---
subscriber_register_if_configured()


# --- the national feedback system (PAKN): answers sent back (cchc.integrations.national_feedback) ---
def _register_national_feedback() -> None:
    if (getattr(settings, "CCHC_PARTNERS", {}).get("pakn") or {}).get("url"):
        from cchc.integrations.national_feedback.answers import register_answers_subscriber

        register_answers_subscriber()


_register_national_feedback()

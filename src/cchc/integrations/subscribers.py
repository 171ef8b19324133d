"""The outbox subscribers of the integrations, registered when the app is ready (each partner's
module adds its own with ``cchc.outbox.registry.register``)."""

from __future__ import annotations

from cchc.integrations.national_portal.subscriber import subscriber_register_if_configured

subscriber_register_if_configured()  # integrations.dvcqg: only when the national portal's URL is set

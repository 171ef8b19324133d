"""The outbox subscribers of the integrations, registered when the app is ready (each partner's
module adds its own with ``cchc.outbox.registry.register``)."""

from __future__ import annotations

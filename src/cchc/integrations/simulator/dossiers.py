"""The simulator's dossiers services (to be written: see docs/integrations.md)."""

from __future__ import annotations

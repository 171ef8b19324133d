"""The simulator's procedures services (to be written: see docs/integrations.md)."""

from __future__ import annotations

"""Constants of the audit trail: the chain's genesis value and its PostgreSQL lock key."""

from __future__ import annotations

GENESIS_HASH = "0" * 64
"""What the first event chains to: a fixed value, so a verifier needs nothing but the events."""

CHAIN_LOCK_KEY = 0x43434843_41554454  # "CCHC" "AUDT": the key of pg_advisory_xact_lock for chain appends

SYSTEM_ACTOR_LABEL = "hệ thống"
"""Actor label of events written without a user (imports, scheduled jobs, the simulator)."""

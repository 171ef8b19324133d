"""Constants of the audit trail: the chain's genesis value and its PostgreSQL lock key."""

from __future__ import annotations

GENESIS_HASH = "0" * 64
"""What the first event chains to: a fixed value, so a verifier needs nothing but the events."""

CHAIN_LOCK_KEY = 0x43434843_41554454  # "CCHC" "AUDT": the key of pg_advisory_xact_lock for chain appends

SEAL_EVERY_S = 0.5
"""The background loop seals at most this often (``audit_seal_round``): each seal is a transaction with a
commit, so sealing a few events at every busy round would cost more than sealing them in batches."""

SYSTEM_ACTOR_LABEL = "hệ thống"
"""Actor label of events written without a user (imports, scheduled jobs, the simulator)."""

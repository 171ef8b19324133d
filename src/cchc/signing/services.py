"""Writes of the signing app: the development certificates (``cchc signing setup``).

Legal basis: Nghị định 23/2025/NĐ-CP (see ``cchc.signing.pki``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cchc.signing import pki


def signing_setup(*, on: date, directory: Path | None = None) -> pki.SetupResult:
    """Create the development root CA and a signing certificate for every agency of the org registry
    valid on ``on`` (idempotent)."""
    from cchc.org.models import Agency

    agencies = Agency.objects.valid_on(on).order_by("code", "valid_from").values_list("code", "name")
    seen: dict[str, str] = {}
    for code, name in agencies:
        seen[code] = name  # one certificate per code: the latest period's name
    identities = [pki.AgencyIdentity(code=code, name=name) for code, name in seen.items()]
    return pki.pki_setup(directory or pki.signing_dir(), identities)

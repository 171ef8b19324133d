"""From the provider's claims to what the platform records about a signed-in person or organisation.

Rules (each refuses the whole sign-in with ``claims_invalid`` when broken; nothing is guessed):
- the personal identification number has exactly 12 digits (Luật Căn cước 2023 Điều 12; NĐ 137/2015/NĐ-CP
  Điều 13 as amended) — a 9-digit old identity card number is not an electronic identity;
- the full name is kept as written by the provider: only surrounding spaces are removed, never the case,
  the accents or the Unicode form (the name on the card is the legal name);
- the date of birth is an ISO date (OIDC ``birthdate``, YYYY-MM-DD; a year alone ``YYYY`` or ``0000-MM-DD`` is
  accepted as OIDC allows, recorded as unknown);
- the identification level is 1 or 2 (NĐ 69/2024/NĐ-CP Điều 12: mức độ 1 và mức độ 2 của tài khoản định danh
  điện tử của công dân), mapped to ``IdentityLevel.VNEID_1`` / ``VNEID_2``; an organisation's account
  (NĐ 69/2024/NĐ-CP Điều 12 khoản 3, tài khoản định danh điện tử của tổ chức) is ``VNEID_ORGANISATION`` and
  must carry its tax code (10 digits, a branch adds -XXX: Thông tư 86/2024/TT-BTC Điều 5) and its name;
  its representative's own number, name and level are still required.
The claim names of the real provider are set by ``CCHC_OIDC_CLAIMS`` (docs/identity.md); the defaults are
the development provider's (inferred from public implementations, domain-vn §2.6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from cchc.dossiers.constants import ApplicantKind, IdentityLevel
from cchc.identity.constants import Outcome, SignInRefused

DEFAULT_CLAIMS = {
    "kind": "loai_tai_khoan",
    "id_number": "so_dinh_danh",
    "name": "name",
    "birth_date": "birthdate",
    "level": "muc_do_dinh_danh",
    "tax_code": "ma_so_thue",
    "organisation_name": "ten_to_chuc",
}
ORGANISATION_KINDS = {"to_chuc", "organisation", "organization", "doanh_nghiep"}
_ID = re.compile(r"^\d{12}$")
_TAX = re.compile(r"^\d{10}(-\d{3})?$")
_LEVELS = {"1": IdentityLevel.VNEID_1, "2": IdentityLevel.VNEID_2}


@dataclass(frozen=True)
class IdentityClaims:
    subject: str
    kind: str
    id_number: str
    full_name: str
    birth_date: date | None
    level: str
    tax_code: str = ""
    organisation_name: str = ""


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"claim {name} is not text")
    return str(value).strip()


def _birth_date(raw: str) -> date | None:
    if re.fullmatch(r"\d{4}", raw) or raw.startswith("0000-"):
        return None
    try:
        return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        return None


def identity_from_claims(claims: dict[str, Any], names: dict[str, str] | None = None) -> IdentityClaims:
    """The identity described by ``claims`` (the verified ID token's, completed by userinfo), or
    :class:`SignInRefused` ``claims_invalid`` naming the first claim missing or malformed."""
    n = {**DEFAULT_CLAIMS, **(names or {})}
    subject = _text(claims, "sub")
    if not subject:
        raise SignInRefused(Outcome.CLAIMS_INVALID, "sub missing")
    id_number = _text(claims, n["id_number"])
    if not _ID.match(id_number):
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['id_number']} is not 12 digits")
    full_name = _text(claims, n["name"])
    if not full_name or len(full_name) > 300:
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['name']} missing or too long")
    raw_birth = _text(claims, n["birth_date"])
    birth_date = _birth_date(raw_birth)
    if not raw_birth or (birth_date is None and not re.fullmatch(r"\d{4}|0000-\d{2}-\d{2}", raw_birth)):
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['birth_date']} missing or not a date")
    level = _LEVELS.get(_text(claims, n["level"]).lower().removeprefix("muc").strip("_ "))
    if level is None:
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['level']} is not 1 or 2")
    if _text(claims, n["kind"]).lower() not in ORGANISATION_KINDS:
        return IdentityClaims(subject, ApplicantKind.CITIZEN, id_number, full_name, birth_date, level)
    tax_code = _text(claims, n["tax_code"])
    organisation_name = _text(claims, n["organisation_name"])
    if not _TAX.match(tax_code):
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['tax_code']} is not a tax code")
    if not organisation_name or len(organisation_name) > 300:
        raise SignInRefused(Outcome.CLAIMS_INVALID, f"{n['organisation_name']} missing or too long")
    return IdentityClaims(
        subject,
        ApplicantKind.ORGANISATION,
        id_number,
        full_name,
        birth_date,
        IdentityLevel.VNEID_ORGANISATION,
        tax_code,
        organisation_name,
    )

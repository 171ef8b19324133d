"""The mapping of the provider's claims to the platform's identity (cchc.identity.claims)."""

from __future__ import annotations

from datetime import date

import pytest

from cchc.dossiers.constants import ApplicantKind, IdentityLevel
from cchc.identity.claims import identity_from_claims
from cchc.identity.constants import Outcome, SignInRefused

CITIZEN = {
    "sub": "17",
    "loai_tai_khoan": "cong_dan",
    "so_dinh_danh": "056190004321",
    "name": "Phạm Thị Hồng",
    "birthdate": "1990-03-14",
    "muc_do_dinh_danh": "2",
}
ORGANISATION = {
    **CITIZEN,
    "loai_tai_khoan": "to_chuc",
    "ma_so_thue": "4201234567",
    "ten_to_chuc": "Công ty TNHH Thương mại Hòn Chồng",
}


def refused(claims: dict[str, object], **kwargs: object) -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        identity_from_claims(claims, **kwargs)  # type: ignore[arg-type]
    assert caught.value.outcome == Outcome.CLAIMS_INVALID
    return caught.value


def test_a_citizen_at_level_2():
    identity = identity_from_claims(CITIZEN)
    assert identity.kind == ApplicantKind.CITIZEN
    assert identity.id_number == "056190004321"
    assert identity.full_name == "Phạm Thị Hồng"
    assert identity.birth_date == date(1990, 3, 14)
    assert identity.level == IdentityLevel.VNEID_2
    assert identity.tax_code == ""


@pytest.mark.parametrize(
    ("raw", "level"), [("1", IdentityLevel.VNEID_1), (2, IdentityLevel.VNEID_2), ("muc_1", IdentityLevel.VNEID_1)]
)
def test_the_level_maps_to_identity_level(raw, level):
    assert identity_from_claims({**CITIZEN, "muc_do_dinh_danh": raw}).level == level


def test_the_name_is_kept_as_written():
    # no case change, no accent change, no Unicode normalisation: only the surrounding spaces go
    decomposed = "Nguye\u0302\u0303n Văn An"  # ễ as e + combining marks
    assert identity_from_claims({**CITIZEN, "name": "  ĐOÀN thị Ngọc Ánh "}).full_name == "ĐOÀN thị Ngọc Ánh"
    assert identity_from_claims({**CITIZEN, "name": decomposed}).full_name == decomposed


def test_an_organisation_carries_its_tax_code_and_name():
    identity = identity_from_claims(ORGANISATION)
    assert identity.kind == ApplicantKind.ORGANISATION
    assert identity.level == IdentityLevel.VNEID_ORGANISATION
    assert identity.tax_code == "4201234567"
    assert identity.organisation_name == "Công ty TNHH Thương mại Hòn Chồng"
    assert identity.id_number == "056190004321"  # the representative's own number


@pytest.mark.parametrize(
    "change",
    [
        {"so_dinh_danh": "056190004"},  # 9 digits: an old identity card, not an electronic identity
        {"so_dinh_danh": "05619000432a"},
        {"so_dinh_danh": None},
        {"name": "   "},
        {"birthdate": "14/03/1990"},
        {"birthdate": "1990-02-30"},
        {"birthdate": None},
        {"muc_do_dinh_danh": "3"},
        {"muc_do_dinh_danh": None},
        {"sub": ""},
        {"name": ["Phạm", "Hồng"]},
    ],
)
def test_missing_or_malformed_claims_refuse_the_sign_in(change):
    refusal = refused({k: v for k, v in {**CITIZEN, **change}.items() if v is not None})
    assert "Bạn chưa được đăng nhập" in refusal.message


@pytest.mark.parametrize("change", [{"ma_so_thue": "42012345"}, {"ma_so_thue": None}, {"ten_to_chuc": ""}])
def test_an_organisation_without_a_valid_tax_code_or_name_is_refused(change):
    refused({k: v for k, v in {**ORGANISATION, **change}.items() if v is not None})


def test_a_year_of_birth_alone_is_accepted_as_unknown_date():
    assert identity_from_claims({**CITIZEN, "birthdate": "1990"}).birth_date is None


def test_the_real_provider_claim_names_come_from_settings():
    claims = {"sub": "x", "personalId": "056190004321", "fullName": "Phạm Thị Hồng", "dob": "1990-03-14", "ial": "1"}
    names = {"id_number": "personalId", "name": "fullName", "birth_date": "dob", "level": "ial"}
    identity = identity_from_claims(claims, names)
    assert (identity.id_number, identity.full_name, identity.level) == ("056190004321", "Phạm Thị Hồng", "vneid_1")

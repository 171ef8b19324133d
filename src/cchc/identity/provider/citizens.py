"""The test accounts of the development identity provider: four citizens and one organisation.

The claims imitate what the national electronic identity (VNeID) gives a relying party; the exact claim
names of the real provider are not public, so these names are the platform's (inferred from public
implementations, domain-vn §2.6) and the relying party maps them by settings (docs/identity.md).
Numbers: a 12-digit personal identification number starts with the province code of the place of
birth registration (056: Khánh Hòa) per Thông tư 59/2021/TT-BCA Điều 7.
"""

from __future__ import annotations

PASSWORD = "vneid-thu-nghiem"  # noqa: S105 - the published password of the development accounts

# username → claims; level: "1" or "2" (mức độ định danh, NĐ 69/2024/NĐ-CP Điều 12)
ACCOUNTS: dict[str, dict[str, str]] = {
    "056190004321": {
        "loai_tai_khoan": "cong_dan",
        "so_dinh_danh": "056190004321",
        "name": "Phạm Thị Hồng",
        "birthdate": "1990-03-14",
        "muc_do_dinh_danh": "2",
    },
    "056085001234": {
        "loai_tai_khoan": "cong_dan",
        "so_dinh_danh": "056085001234",
        "name": "Nguyễn Văn An",
        "birthdate": "1985-11-02",
        "muc_do_dinh_danh": "2",
    },
    "056201007777": {
        "loai_tai_khoan": "cong_dan",
        "so_dinh_danh": "056201007777",
        "name": "Lê Thị Ánh Tuyết",
        "birthdate": "2001-06-30",
        "muc_do_dinh_danh": "1",
    },
    "056078009999": {
        "loai_tai_khoan": "cong_dan",
        "so_dinh_danh": "056078009999",
        # written as on the card: the relying party must keep the case and the accents unchanged
        "name": "ĐOÀN thị Ngọc Ánh",
        "birthdate": "1978-01-09",
        "muc_do_dinh_danh": "2",
    },
    "4201234567": {
        "loai_tai_khoan": "to_chuc",
        "ma_so_thue": "4201234567",
        "ten_to_chuc": "Công ty TNHH Thương mại Hòn Chồng",
        # the organisation's account is used by its legal representative, identified at level 2
        "so_dinh_danh": "056085001234",
        "name": "Nguyễn Văn An",
        "birthdate": "1985-11-02",
        "muc_do_dinh_danh": "2",
    },
}

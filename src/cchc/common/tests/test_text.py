from hypothesis import given
from hypothesis import strategies as st

from cchc.common.text import fold, fold_words


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Sở Nội vụ") == "so noi vu"
    assert fold("ĐẶC KHU Trường Sa") == "dac khu truong sa"
    assert fold("Ủy ban nhân dân") == fold("Uỷ ban nhân dân")


def test_fold_words_drops_punctuation():
    assert fold_words("Sở Lao động - Thương binh và Xã hội") == "so lao dong thuong binh va xa hoi"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)

from __future__ import annotations

import pytest

from cchc.receipts.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (111, "Một trăm mười một đồng"),
        (200000, "Hai trăm nghìn đồng"),
        (1005000, "Một triệu không trăm linh năm nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
        (3_000_050_000, "Ba tỷ không trăm năm mươi nghìn đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="số tiền âm"):
        amount_in_words(-1)

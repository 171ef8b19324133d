"""An amount of đồng in Vietnamese words, as a receipt writes it ("Số tiền bằng chữ").

legal: NĐ 123/2020/NĐ-CP Điều 32 asks for the amount on the receipt; the amount in words is the usage of
every Vietnamese receipt and invoice form (inferred from the published forms, not a rule of its own).
Reading: "linh" for a zero tens digit, "mười" for ten, "mốt" for a one after twenty, "lăm" for a five
after ten; groups of three digits with nghìn, triệu, tỷ (then nghìn tỷ, triệu tỷ ...).
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")


def _triple(number: int, *, full: bool) -> list[str]:
    """The words of 0-999; ``full``: a group after a higher one, read with its hundreds and "linh"."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def _words(number: int) -> list[str]:
    if number == 0:
        return [DIGITS[0]]
    billions, rest = divmod(number, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += [*_words(billions), "tỷ"]
    groups = [rest // 1_000_000, rest // 1000 % 1000, rest % 1000]
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _triple(group, full=bool(words))
        scale = SCALES[2 - index]
        if scale:
            words.append(scale)
    return words


def amount_in_words(amount: Decimal | int) -> str:
    """``Hai trăm nghìn đồng`` for 200000 (whole đồng; the sentence starts with a capital)."""
    value = int(Decimal(amount))
    if value < 0:
        raise ValueError("số tiền âm")
    text = " ".join([*_words(value), "đồng"])
    return text[0].upper() + text[1:]

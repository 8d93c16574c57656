"""Tests for resident ID numbers (GB 11643 check character, spoken forms)."""

from __future__ import annotations

import pytest

from classify.entities.idcard import (
    check_char,
    extract_id_numbers,
    is_valid_id_number,
    mask_id_number,
)

# Check characters worked out by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11).
VALID = ["11010519491231002X", "130102199003071233", "130104198512120011", "13010219880610142X"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers(number: str) -> None:
    assert is_valid_id_number(number)
    assert check_char(number[:17]) == number[17]


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002Y",
        "110105194912310021",  # wrong check digit
        "130102199003071234",  # wrong check digit
        "440524188001010014",  # right check digit, but born before 1900
        "130105200102290129",  # right check digit, but 2001-02-29 is no date
        "030102199003071233",  # no province starts with 0
        "1301021990030712",  # too short
    ],
)
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_id_number(number)


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17"):
        check_char("123")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号11010519491231002x", ["11010519491231002X"]),
        ("身份证号码是130102 19900307 1233", ["130102199003071233"]),
        ("身份证130102-1990-0307-1233", ["130102199003071233"]),
        ("幺三零幺零二幺九九零零三零七幺二三三", ["130102199003071233"]),
        ("一三零一零二一九八八零六一零一四二叉", ["13010219880610142X"]),
        ("号码是1301021988061014 2 X", ["13010219880610142X"]),
        ("130102199003071233，电话13812345678", ["130102199003071233"]),
        ("身份证130102199003071233，再说一遍130102199003071233", ["130102199003071233"]),
        ("身份证号130102199003071234", []),
        ("银行卡6222021234567890123", []),
        ("电话13812345678", []),
    ],
)
def test_extract_id_numbers(text: str, expected: list[str]) -> None:
    assert extract_id_numbers(text) == expected


def test_mask_id_number() -> None:
    assert mask_id_number("11010519491231002X") == "11**************2X"

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import (
    business_number_is_valid,
    corporate_number_is_valid,
    normalize_business_number,
    validate_business_number,
    validate_corporate_number,
)


@pytest.mark.parametrize("number", ["124-81-00998", "1248100998", "617-86-00006", " 124 81 00998 "])
def test_known_business_numbers_pass(number):
    assert business_number_is_valid(number)
    validate_business_number(number)


@pytest.mark.parametrize("number", ["124-81-00999", "123-45-67890"])
def test_wrong_check_digit_is_refused_with_a_reason(number):
    with pytest.raises(ValidationError) as exc:
        validate_business_number(number)
    assert exc.value.error_list[0].code == "checksum"


@pytest.mark.parametrize("number", ["", "124-81-0099", "12a-81-00998", "124-81-009981"])
def test_malformed_business_numbers_say_the_format(number):
    with pytest.raises(ValidationError) as exc:
        validate_business_number(number)
    assert exc.value.error_list[0].code == "format"


def test_business_number_is_normalized_to_dashed_form():
    assert normalize_business_number("1248100998") == "124-81-00998"
    assert normalize_business_number(" 124 81 00998") == "124-81-00998"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_any_nine_digits(prefix):
    valid = [d for d in "0123456789" if business_number_is_valid(prefix + d)]
    assert len(valid) == 1


def test_corporate_numbers():
    assert corporate_number_is_valid("130111-0006246")
    validate_corporate_number("1301110006246")
    with pytest.raises(ValidationError):
        validate_corporate_number("130111-0006247")
    with pytest.raises(ValidationError):
        validate_corporate_number("130111-000624")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_corporate_check_digit(prefix):
    assert sum(corporate_number_is_valid(prefix + d) for d in "0123456789") == 1

"""core.row_urls.RowUrl gives each row exactly the address reverse() gives (issue 12)."""

import pytest
from django.urls import reverse, set_script_prefix

from core.row_urls import _MARKER, RowUrl

IDS = [0, 1, 7, 10, 42, 99, 100, 2026, 123456789, 2**31 - 1, 2**63 - 1, _MARKER, _MARKER - 1, int(str(_MARKER) * 2)]


@pytest.mark.parametrize("pk", IDS)
def test_one_argument_like_reverse(pk):
    assert RowUrl("applications:detail")(pk) == reverse("applications:detail", args=[pk])
    assert RowUrl("applications:staff_screen")(pk) == reverse("applications:staff_screen", args=[pk])


@pytest.mark.parametrize("panel", [1, 8, 80, 8070])
@pytest.mark.parametrize("pk", IDS)
def test_a_fixed_argument_before_the_row_id(panel, pk):
    assert RowUrl("reviews:staff_plan", panel)(pk) == reverse("reviews:staff_plan", args=[panel, pk])


def test_the_script_prefix_of_the_request_is_kept():
    set_script_prefix("/portal/")
    try:
        assert RowUrl("applications:detail")(5) == reverse("applications:detail", args=[5]) == "/portal/plans/5/"
    finally:
        set_script_prefix("/")


def test_an_id_given_as_text_is_written_as_its_number():
    assert RowUrl("applications:detail")("0042") == reverse("applications:detail", args=[42])


def test_no_address_for_what_reverse_refuses():
    with pytest.raises(ValueError):
        RowUrl("applications:detail")(-1)
    with pytest.raises(ValueError):
        RowUrl("applications:detail")("abc")


@pytest.mark.parametrize(
    "code", ["ABCD-EFGH-JKLM-NPQR-ST", "abcd", "0", "a-b-c", str(_MARKER), "한글-코드", "a b", "x%2Fy", "a?b", "a#b"]
)
def test_a_text_argument_like_reverse(code):
    assert RowUrl("committee:verify").text(code) == reverse("committee:verify", args=[code])


def test_text_reverse_refuses_is_refused_too():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        RowUrl("committee:verify").text("a/b")
    with pytest.raises(NoReverseMatch):
        RowUrl("committee:verify").text("")

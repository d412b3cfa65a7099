"""The main menu: role-grouped, the current page marked, usable without JavaScript (<details>)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accounts import roles
from core.navigation import menu_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def labels(groups):
    return [(group.label, [link.label for link in group.links]) for group in groups]


def test_anonymous_visitors_see_the_public_entries_and_register():
    shown = labels(menu_for(AnonymousUser(), "/"))
    assert shown == [
        ("Calls", ["Calls"]),
        ("Designations", ["Designated specialized complexes"]),
        ("Register", ["Register"]),
    ]


def test_ministry_staff_get_their_work_in_two_groups_not_ten_items():
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    groups = menu_for(staff, "/")
    assert len(groups) <= 7
    by_label = dict(labels(groups))
    assert by_label["Applications"] == [
        "Applications (staff)",
        "Questions (staff)",
        "Briefing sessions (staff)",
        "Organisation approvals",
    ]
    assert "Review panels (ministry staff)" in by_label["Reviews"]
    assert "Register" not in by_label


def test_an_evaluator_sees_one_review_entry_as_a_plain_link():
    expert = UserFactory(roles=[roles.EXPERT])
    reviews = next(group for group in menu_for(expert, "/") if group.label == "Reviews")
    assert reviews.single is not None and reviews.single.label == "My evaluations"
    assert "Committee" not in dict(labels(menu_for(expert, "/")))


def test_the_longest_matching_address_is_the_current_page_and_only_it():
    staff = UserFactory(roles=[roles.MINISTRY_STAFF, roles.EXPERT])
    groups = menu_for(staff, "/reviews/staff/panels/3/")
    current = [link.label for group in groups for link in group.links if link.current]
    assert current == ["Review panels (ministry staff)"]  # not "My evaluations" at /reviews/
    assert [group.label for group in groups if group.current] == ["Reviews"]
    assert not any(link.current for group in menu_for(staff, "/") for link in group.links)  # home: none


def test_the_header_marks_the_current_page_and_keeps_language_and_log_out_outside_the_menu(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    html = client.get("/staff/plans/").content.decode()
    assert re.search(r'<a href="/staff/plans/" aria-current="page">', html)
    assert "<details" in html and "<summary" in html
    header, menu = html.split('<nav class="navbar')[0], html.split('id="portal-nav"')[1].split("</nav>")[0]
    assert 'name="language"' in header and "/accounts/logout/" in header
    assert 'name="language"' not in menu
    assert 'class="navbar-collapse"' in html  # folded only by menu.js, so it is open without JavaScript

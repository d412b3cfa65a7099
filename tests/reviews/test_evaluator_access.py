"""Per URL and role: an evaluator sees only assigned, non-conflicted plans, and nothing of others' reviews
before submitting their own. Hidden things are 404, never 403."""

import pytest
from django.urls import reverse

from reviews.models import Conflict, Rubric
from tests.factories import UserFactory, submitted_review

pytestmark = pytest.mark.django_db

POINTS = (20, 15, 10, 8, 8, 7, 7)


def urls(assignment, sha="a" * 64):
    return {
        "review": reverse("reviews:review", args=[assignment.pk]),
        "declare": reverse("reviews:declare", args=[assignment.pk]),
        "plan": reverse("reviews:plan", args=[assignment.pk]),
        "file": reverse("reviews:plan_file", args=[assignment.pk, sha]),
        "others": reverse("reviews:others", args=[assignment.pk]),
    }


def test_ready_evaluator_reads_plan_and_files(client, panel_setup):
    a = panel_setup["assignments"]["ready"]
    client.force_login(a.reviewer)
    u = urls(a)
    assert client.get(u["review"]).status_code == 200
    page = client.get(u["plan"])
    assert page.status_code == 200 and panel_setup["plan"].title in page.content.decode()
    response = client.get(u["file"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client.get(urls(a, sha="b" * 64)["file"]).status_code == 404
    assert client.get(u["declare"]).status_code == 302  # already declared: straight to the score sheet


def test_pending_evaluator_sees_only_title_and_organisations_until_declaring(client, panel_setup):
    a = panel_setup["assignments"]["pending"]
    client.force_login(a.reviewer)
    u = urls(a)
    assert client.get(u["review"]).url == u["declare"]
    page = client.get(u["declare"]).content.decode()
    assert panel_setup["plan"].title in page and str(panel_setup["plan"].organization) in page
    assert "고순도 수산화리튬" not in page  # the plan's content is not on the declaration page
    for name in ("plan", "file", "others"):
        assert client.get(u[name]).status_code == 404, name


@pytest.mark.parametrize("who", ["declared", "pinned"])
def test_conflicted_evaluator_finds_nothing(client, panel_setup, who):
    a = panel_setup["assignments"][who]
    client.force_login(a.reviewer)
    for name, url in urls(a).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"save": "1"}).status_code == 404, name
    listing = client.get(reverse("reviews:mine")).content.decode()
    assert panel_setup["plan"].title not in listing


@pytest.mark.parametrize("who", ["outsider", "peer"])
def test_other_evaluators_cannot_open_someone_elses_assignment(client, panel_setup, who):
    a = panel_setup["assignments"]["ready"]
    client.force_login(panel_setup["experts"][who])
    for name, url in urls(a).items():
        assert client.get(url).status_code == 404, name


def test_applicant_staff_and_anonymous(client, panel_setup, applicant, ministry_staff):
    a = panel_setup["assignments"]["ready"]
    for name, url in urls(a).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name
    client.force_login(applicant)
    assert client.get(reverse("reviews:mine")).status_code == 403
    for name, url in urls(a).items():
        assert client.get(url).status_code == 404, name
    client.force_login(ministry_staff)  # staff run panels from their own pages, not through an expert's sheet
    for name, url in urls(a).items():
        assert client.get(url).status_code == 404, name


def test_blind_until_submitted_then_the_stage_setting_decides(client, panel_setup):
    a, peer = panel_setup["assignments"]["ready"], panel_setup["assignments"]["peer"]
    submitted_review(peer, POINTS, comment="동료 평가위원의 비공개 의견")
    client.force_login(a.reviewer)
    for url in (urls(a)["review"], urls(a)["plan"]):
        assert "동료 평가위원의 비공개 의견" not in client.get(url).content.decode()
    assert client.get(urls(a)["others"]).status_code == 404
    submitted_review(a, POINTS)
    others = client.get(urls(a)["others"])
    assert others.status_code == 200 and "동료 평가위원의 비공개 의견" in others.content.decode()
    assert peer.reviewer.full_name not in others.content.decode()  # anonymous even after submitting
    Rubric.objects.filter(pk=panel_setup["rubric"].pk).update(visibility=Rubric.Visibility.NEVER)
    assert client.get(urls(a)["others"]).status_code == 404


def test_list_shows_only_own_non_conflicted_assignments(client, panel_setup):
    client.force_login(panel_setup["experts"]["outsider"])
    assert panel_setup["plan"].title not in client.get(reverse("reviews:mine")).content.decode()
    client.force_login(panel_setup["experts"]["pending"])
    assert panel_setup["plan"].title in client.get(reverse("reviews:mine")).content.decode()


def test_user_without_an_evaluator_role_gets_403_on_the_list(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("reviews:mine")).status_code == 403


def test_the_other_reviews_page_leaves_out_an_evaluator_found_conflicted_after_submitting(client, panel_setup):
    """The page reads aggregates.counted_reviews, like the ranking: a review that does not count is not shown."""
    a, peer = panel_setup["assignments"]["ready"], panel_setup["assignments"]["peer"]
    submitted_review(peer, POINTS, comment="나중에 이해충돌이 확인된 위원의 의견")
    submitted_review(a, POINTS)
    client.force_login(a.reviewer)
    assert "나중에 이해충돌이 확인된 위원의 의견" in client.get(urls(a)["others"]).content.decode()
    Conflict.objects.create(application=a.application, user=peer.reviewer, source=Conflict.Source.PINNED, reason="친족")
    assert "나중에 이해충돌이 확인된 위원의 의견" not in client.get(urls(a)["others"]).content.decode()

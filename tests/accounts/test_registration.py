import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, Region, User
from core.models import OutboxMessage
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    region = Region.objects.get(code="31")
    data = {
        "user-email": "planner@ulsan.go.kr",
        "user-full_name": "김계획",
        "user-phone": "052-229-0000",
        "user-password1": "Strong-Passw0rd-2026",
        "user-password2": "Strong-Passw0rd-2026",
        "org-kind": "company",
        "org-name_ko": "울산전지소재 주식회사",
        "org-name_en": "Ulsan Battery Materials",
        "org-business_number": "1248100998",
        "org-corporate_number": "",
        "org-region": str(region.pk),
        "org-address": "울산광역시 남구",
        "org-phone": "",
    }
    data.update(overrides)
    return data


def test_registration_creates_pending_organization_owned_by_the_new_user(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), form_data())
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    user = User.objects.get(email="planner@ulsan.go.kr")
    org = Organization.objects.get(name_ko="울산전지소재 주식회사")
    assert org.status == Organization.Status.PENDING
    assert org.business_number == "124-81-00998"
    assert Membership.objects.get(user=user, organization=org).role == Membership.Role.OWNER
    assert client.post(reverse("accounts:login"), {"username": user.email, "password": "Strong-Passw0rd-2026"}).url
    message = OutboxMessage.objects.get(reference=f"accounts.organization:{org.pk}:registered")
    assert message.status == OutboxMessage.Status.SENT
    assert mailoutbox[0].to == ["planner@ulsan.go.kr"]
    assert "울산전지소재" in mailoutbox[0].subject


def test_bad_business_number_is_explained_and_nothing_typed_is_lost(client):
    response = client.post(reverse("accounts:register"), form_data(**{"org-business_number": "124-81-00999"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "사업자등록번호" in html
    assert "검증번호(마지막 자리)가 맞지 않습니다" in html  # the form is in Korean unless the browser asks otherwise
    # every field typed is still there, so the applicant only corrects the number
    assert 'value="planner@ulsan.go.kr"' in html
    assert 'value="울산전지소재 주식회사"' in html
    assert 'value="124-81-00999"' in html
    assert 'value="052-229-0000"' in html
    assert not User.objects.filter(email="planner@ulsan.go.kr").exists()


def test_error_is_tied_to_its_field_for_screen_readers(client):
    response = client.post(reverse("accounts:register"), form_data(**{"org-business_number": "124-81-00999"}))
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_org-business_number_helptext id_org-business_number_error"' in html
    assert 'id="id_org-business_number_error"' in html


def test_company_without_business_number_is_refused(client):
    response = client.post(reverse("accounts:register"), form_data(**{"org-business_number": ""}))
    assert response.status_code == 200
    assert "사업자등록번호를 입력" in response.content.decode()


def test_registration_does_not_say_whether_an_address_has_an_account(client, mailoutbox):
    """Low finding: the form told anyone which addresses are registered. Now the answer is the same and the
    existing owner is told by e-mail instead (at most once a day); nothing is created."""
    owner = UserFactory(email="planner@ulsan.go.kr")
    taken = client.post(reverse("accounts:register"), form_data(**{"user-email": "Planner@Ulsan.go.kr"}))
    assert User.objects.filter(email__iexact="planner@ulsan.go.kr").count() == 1
    assert not Organization.objects.filter(name_ko="울산전지소재 주식회사").exists()
    new = client.post(reverse("accounts:register"), form_data(**{"user-email": "new@ulsan.go.kr"}))
    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    message = OutboxMessage.objects.get(reference__startswith=f"accounts.registration_existing:{owner.pk}:")
    assert message.to == ["planner@ulsan.go.kr"] and "/accounts/password/reset/" in message.body


def test_duplicate_business_number_points_to_the_existing_organization(client, pending_organization):
    response = client.post(reverse("accounts:register"), form_data(**{"org-business_number": "617-86-00006"}))
    assert response.status_code == 200
    assert "이미 등록되어 있습니다" in response.content.decode()


def test_metropolitan_government_must_name_its_region(client):
    response = client.post(
        reverse("accounts:register"),
        form_data(**{"org-kind": "metropolitan", "org-business_number": "", "org-region": ""}),
    )
    assert response.status_code == 200
    assert "지역을 선택" in response.content.decode()


def test_registration_form_is_english_on_request(client):
    response = client.post(
        reverse("accounts:register"),
        form_data(**{"org-business_number": "124-81-00999"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "check digit does not match" in response.content.decode()


def test_wrong_password_says_so_and_keeps_the_email(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.email, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "이메일 주소 또는 비밀번호가 올바르지 않습니다" in html
    assert f'value="{applicant.email}"' in html
    assert "_auth_user_id" not in client.session


def test_login_by_email_is_case_insensitive(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_logout_requires_post_and_ends_the_session(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_goes_through_the_outbox_and_sets_a_new_password(
    client, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": applicant.email})
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(reference__startswith=f"accounts.password_reset:{applicant.pk}:").exists()
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Another-Strong-2026", "new_password2": "Another-Strong-2026"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Another-Strong-2026")


def test_password_change(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Changed-Passw0rd-2026", "new_password2": "Changed-Passw0rd-2026"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Changed-Passw0rd-2026")


def test_weak_password_is_refused_with_the_rule(client):
    response = client.post(
        reverse("accounts:register"), form_data(**{"user-password1": "12345", "user-password2": "12345"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "최소 10자" in html


def test_rule_permissions_are_answered_by_the_rules_alone(django_assert_num_queries, db):
    """A "no" from a rule does not fall through to the permission tables (no queries for a rule's answer)."""
    from tests.factories import UserFactory

    user = UserFactory()
    user._role_cache = set()  # the role lookup (one query, cached per request) is not what is measured
    with django_assert_num_queries(0):
        assert not user.has_perm("applications.manage_applications")
        assert not user.has_perm("reviews.manage_panels")


def test_ministry_staff_are_told_of_a_new_registration_once(client, django_capture_on_commit_callbacks):
    """Issue 13: staff were not told about new registrations (approval gates every submission)."""
    from accounts import roles

    staff = UserFactory(email="staff@motie.go.kr", roles=[roles.MINISTRY_STAFF])
    UserFactory(email="gone@motie.go.kr", roles=[roles.MINISTRY_STAFF], is_active=False)
    UserFactory(email="expert@kaist.ac.kr", roles=[roles.EXPERT])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), form_data())
    org = Organization.objects.get(name_ko="울산전지소재 주식회사")
    message = OutboxMessage.objects.get(reference=f"accounts.organization:{org.pk}:staff_told")
    assert message.to == [staff.email]
    assert "울산전지소재" in message.subject and reverse("accounts:approval_queue") in message.body
    assert "planner@ulsan.go.kr" in message.body

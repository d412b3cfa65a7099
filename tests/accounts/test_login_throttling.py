"""Finding 6: wrong passwords lock the username from that address; behind nginx, only our proxies' headers count."""

import pytest
from django.urls import reverse

from core.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, email, password, **headers):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **headers)


def test_the_right_password_is_refused_after_five_wrong_ones_and_the_page_says_what_to_do(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, user.email, "wrong-password").status_code == 200
    locked = attempt(client, user.email, "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "15분" in html  # wait N minutes
    assert reverse("accounts:password_reset") in html
    response = attempt(client, user.email.upper(), PASSWORD)  # the case of the address does not matter
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address_so_the_owner_elsewhere_still_logs_in(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password", REMOTE_ADDR="203.0.113.9")
    assert attempt(client, user.email, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert attempt(client, user.email, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, user.email, "wrong-password")
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, user.email, "wrong-password")
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_a_new_password_lifts_the_lock(client, settings):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )
    form_url = client.get(url).url
    new = "A-new-and-long-passw0rd"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert attempt(client, user.email, new).status_code == 302


@pytest.mark.parametrize(
    ("trusted", "meta", "expected"),
    [
        ([], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.2"),  # no proxy: header ignored
        (["10.0.0.2"], {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.5"),
        (["10.0.0.2"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "1.2.3.4"),
        # a forged left-hand entry is skipped: nginx appends the peer it saw on the right
        (["10.0.0.0/24"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"}, "1.2.3.4"),
        (["10.0.0.0/24"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.0.0.7"}, "1.2.3.4"),
        (["10.0.0.2"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "1.2.3.4"}, "1.2.3.4"),
        (["10.0.0.2"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "nonsense"}, "10.0.0.2"),
    ],
)
def test_client_address_believes_forwarded_headers_only_from_trusted_proxies(rf, settings, trusted, meta, expected):
    settings.PORTAL_TRUSTED_PROXIES = trusted
    request = rf.get("/", **meta)
    assert client_ip(request) == expected


def test_behind_the_proxy_each_client_has_its_own_counter(client, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.2"]
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    proxied = {"REMOTE_ADDR": "10.0.0.2"}
    assert attempt(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxied).status_code == 429
    assert attempt(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxied).status_code == 302

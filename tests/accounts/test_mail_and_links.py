"""Low findings of issue 10: reset links use the configured address, plain-text mail is not HTML-escaped, the
outbox admin hides reset tokens, and notice verification is rate-limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import OutboxMessage
from core.outbox import queue_email, redact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reset_message(client, user, **headers):
    client.post(reverse("accounts:password_reset"), {"email": user.email}, **headers)
    return OutboxMessage.objects.get(reference__startswith=f"accounts.password_reset:{user.pk}:")


def test_the_reset_link_uses_the_configured_address_not_the_request_host(client, settings):
    settings.PORTAL_BASE_URL = "https://portal.motie.go.kr"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    message = reset_message(client, UserFactory(), HTTP_HOST="evil.example")
    assert "evil.example" not in message.body
    assert "https://portal.motie.go.kr/accounts/password/reset/" in message.body


def test_plain_text_mail_is_not_html_escaped():
    user = UserFactory(full_name="O'Brien & <Partners>")
    message = queue_email(
        to=[user.email],
        template="accounts/email/registration_existing",
        context={"user": user, "login_url": "x", "reset_url": "y"},
        reference="test:escape",
    )
    assert "O'Brien & <Partners>" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_the_outbox_admin_hides_reset_tokens(client):
    user = UserFactory()
    message = reset_message(client, user)
    token = message.body.split("/accounts/password/reset/", 1)[1].split("/")[1]
    assert redact(message.body).count("[hidden]") == 1
    assert token not in message.reference
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:core_outboxmessage_change", args=[message.pk])).content.decode()
    assert token not in page and "[hidden]" in page


def test_notice_verification_is_rate_limited(client):
    cache.clear()
    url = reverse("committee:verify", args=["ABCD-EFGH-JKLM"])
    statuses = [client.get(url).status_code for _ in range(31)]
    assert set(statuses[:30]) == {404} and statuses[30] == 429
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 404  # another client is not slowed

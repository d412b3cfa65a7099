import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_korean_is_the_default_language(client):
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="ko">' in html
    assert "특화단지 지정 포털" in html


def test_switching_to_english_is_remembered(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})
    assert response.status_code == 302
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Specialized Complex Designation Portal" in html
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert '<html lang="ko">' in client.get(reverse("core:home")).content.decode()


def test_compiled_catalogue_translates_our_own_strings():
    with translation.override("ko"):
        assert translation.gettext("Register your organisation") != "Register your organisation"
        assert translation.gettext("Ministry staff") == "산업부 담당자"

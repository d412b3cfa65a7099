"""The browser tests' accessibility check itself (tests.fixtures.assert_accessible), on pages a route serves: it
finds what is wrong only in the other language, only at the phone width or only at 320 px; it never sends a
POST again; and it leaves the flow's page, viewport and language cookie as they were."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.fixtures import assert_accessible, watch_navigations

pytestmark = pytest.mark.browser

ORIGIN = "http://portal.test"
FINE = "<main><h1>{title}</h1><p>{title}</p></main>"


def document(language: str, body: str, title: str = "Page") -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


# path -> (Korean body, English body)
PAGES = {
    "/fine/": (FINE.format(title="좋음"), FINE.format(title="Fine")),
    "/english-only/": (  # an input without a label, in English only
        FINE.format(title="좋음"),
        '<main><h1>Form</h1><input type="text" name="q"></main>',
    ),
    "/phone-only/": (  # text too light to read, shown only on narrow screens
        "<style>.narrow{display:none}@media (max-width:500px){.narrow{display:block;color:#ddd}}</style>"
        '<main><h1>좁음</h1><p class="narrow">작은 화면</p></main>',
        FINE.format(title="Fine"),
    ),
    "/wide/": ('<main><h1>넓음</h1><div style="width:360px">넓은 상자</div></main>', FINE.format(title="Fine")),
    "/form/": (
        '<main><h1>양식</h1><form method="post" action="/posted/"><button>보내기</button></form></main>',
        '<main><h1>Form</h1><form method="post" action="/posted/"><button>Send</button></form></main>',
    ),
}


@pytest.fixture(autouse=True)
def _checking_for_real(monkeypatch):
    """These tests are about the check failing; a measuring run's settings must not change that."""
    monkeypatch.delenv("A11Y_REPORT_ONLY", raising=False)
    monkeypatch.delenv("A11Y_REPORT", raising=False)


@pytest.fixture
def portal(browser):
    """A page on a portal that a route plays: the language comes from the cookie Django reads."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 800}, bypass_csp=True)
    requests: list[tuple[str, str]] = []

    def answer(route):
        request = route.request
        path = request.url.removeprefix(ORIGIN)
        requests.append((request.method, path))
        cookies = request.headers.get("cookie", "")
        language = "en" if f"{settings.LANGUAGE_COOKIE_NAME}=en" in cookies else "ko"
        if path == "/posted/":
            body = FINE.format(title="보냈습니다") if request.method == "POST" else "<main><h1>?</h1></main>"
        else:
            body = PAGES[path][language == "en"]
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document(language, body))

    context.route(f"{ORIGIN}/**", answer)
    page = context.new_page()
    watch_navigations(page)
    page.requests = requests
    yield page
    context.close()


def test_a_page_fine_in_both_languages_and_widths_passes_and_is_left_as_it_was(portal):
    portal.goto(f"{ORIGIN}/fine/")
    assert_accessible(portal)
    assert portal.viewport_size == {"width": 1280, "height": 800}
    assert portal.url == f"{ORIGIN}/fine/"
    assert [c for c in portal.context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME] == []
    assert portal.context.pages == [portal]
    assert portal.requests == [("GET", "/fine/"), ("GET", "/fine/")]  # once shown, once in English


def test_the_other_language_is_checked(portal):
    portal.goto(f"{ORIGIN}/english-only/")
    with pytest.raises(AssertionError, match=r"en 1366 px: .*label"):
        assert_accessible(portal)
    assert [c for c in portal.context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME] == []


def test_an_english_page_is_checked_in_korean_and_keeps_its_language_cookie(portal):
    portal.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": ORIGIN}])
    portal.goto(f"{ORIGIN}/fine/")
    assert portal.evaluate("document.documentElement.lang") == "en"
    assert_accessible(portal)
    assert [c["value"] for c in portal.context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME] == ["en"]
    portal.reload()
    assert portal.evaluate("document.documentElement.lang") == "en"


def test_the_phone_width_is_checked(portal):
    portal.goto(f"{ORIGIN}/phone-only/")
    with pytest.raises(AssertionError, match=r"ko 390 px: .*color-contrast"):
        assert_accessible(portal)
    assert portal.viewport_size == {"width": 1280, "height": 800}


def test_sideways_scrolling_at_320_px_is_found(portal):
    portal.goto(f"{ORIGIN}/wide/")
    with pytest.raises(AssertionError, match=r"ko 320 px: scrolls sideways by \d+ px"):
        assert_accessible(portal)


def test_the_answer_to_a_post_is_checked_as_shown_and_never_sent_again(portal):
    portal.goto(f"{ORIGIN}/form/")
    portal.get_by_role("button").click()
    portal.wait_for_url(f"{ORIGIN}/posted/")
    assert_accessible(portal)
    assert portal.requests == [("GET", "/form/"), ("POST", "/posted/")]
    expect(portal.get_by_role("heading", name="보냈습니다")).to_be_visible()

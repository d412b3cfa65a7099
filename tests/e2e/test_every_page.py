"""In Chromium, on the demo data: every page shape each role can reach by following links from its START pages,
in Korean and English. At 320 px nothing scrolls sideways (WCAG 1.4.10); at 390 and 1366 px axe-core finds nothing.

One browser, one login per role; a page shape is its path with the numbers taken out, visited once per
role; axe-core runs on the first role's visit of each shape, and the HTML the server sent for that visit (in
both languages) goes through the Nu Html Checker (vnu.jar from npm's vnu-jar, run once on all of them by Java).
Set A11Y_REPORT=path to also write the per-language, per-width counts as JSON (the issue's measurement).
"""

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from tests import services
from tests.fixtures import DESKTOP, LANGUAGES, NARROW, PHONE, browser_log_in
from tests.fixtures import axe_violations as axe
from tests.fixtures import sideways_overflow as overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    None,  # anonymous
    "applicant@demo.kr",
    "staff@demo.kr",
    "expert@demo.kr",
    "chair@demo.kr",
    "secretariat@demo.kr",
    "subcommittee@demo.kr",
    "committee@demo.kr",
]
# Pages no link leads to (the next step after a form, or one a menu does not show with the demo data).
START = {
    "anonymous": [
        "/",
        "/verify/",
        "/accounts/register/sent/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        "/accounts/password/reset/MQ/expired-token/",  # the link that no longer works
    ],
    "signed in": [
        "/dashboard/",
        "/",
        "/invitations/",
        "/accounts/password/change/done/",
        "/accounts/two-factor/setup/",
    ],
}
# Downloads, actions and the Django admin are not page shapes of the portal.
SKIP = re.compile(
    r"^/(admin|i18n|jsi18n|health)/|/logout/|\.(csv|xlsx|pdf)$|/export/|/receipt/$|/decision-notice/$|/files/"
    r"|/attachments/\d+/$|/minutes/$|/packet/|/notices/progress/$|/session/$|/documents/\d+/$"
    r"|^/committee/notices/\d+/$"  # the decision notice itself, a PDF shown inline
)
MAX_PAGES_PER_ROLE = 45
# Page shapes only the demo's later states lead to: the crawl must reach each of them (as some role).
MUST_REACH = [
    r"^/calls/[^/]+/questions/N/$",
    r"^/staff/questions/N/$",
    r"^/committee/resolutions/N/$",
    r"^/committee/resolutions/N/correct/$",
    r"^/plans/N/withdraw/$",
    r"^/plans/N/attachments/N/remove/$",
]
VNU_JAR = services.ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def confirm_a_resolution_in_the_demo_meeting() -> None:
    """The demo stops before the committee decides; a second plan referred to its meeting, resolved and
    confirmed, gives the secretariat a confirmed resolution to correct (the demo's own plan stays to record)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import User
    from applications.demo_plans import MINIMAL_PDF
    from committee import services as committee
    from committee.models import Meeting
    from tests.factories import referred_plan

    meeting = Meeting.objects.get(call__slug="2026-specialized-complex")
    secretariat = User.objects.get(email="secretariat@demo.kr")
    now = timezone.now()
    item = committee.add_to_agenda(secretariat, meeting, referred_plan(meeting.call), at=now)
    present, _members = meeting.counts()
    minutes = SimpleUploadedFile("minutes.pdf", MINIMAL_PDF, content_type="application/pdf")
    votes = {"votes_for": present, "votes_against": 0, "votes_abstaining": 0}
    resolution = committee.record_resolution(
        secretariat, item, at=now, minutes=minutes, decision="designated", conditions="", reasons="투자 확실성", **votes
    )
    committee.confirm_resolution(secretariat, resolution, at=now)


def shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parsed = urlparse(href)
        if f"{parsed.scheme}://{parsed.netloc}" != origin or SKIP.search(parsed.path):
            continue
        found.append(parsed.path + (f"?{parsed.query}" if parsed.query and "page=" not in parsed.query else ""))
    return found


def vnu_errors(directory) -> list[tuple[str, str]]:
    """(file name, message) for every error the Nu Html Checker finds in the saved pages."""
    pages = sorted(str(path) for path in directory.glob("*.html"))
    out = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--exit-zero-always", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(out.stderr or out.stdout)
    return [(message.get("url", "").rsplit("/", 1)[-1], message["message"]) for message in report["messages"]]


def keep_html(directory, language: str, key: str, response) -> None:
    name = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_") or "home"
    (directory / f"{language}-{name}.html").write_bytes(response.body())


def crawl(context, origin: str, start: list[str], seen_shapes: set, titles: dict, record, html_dir) -> int:
    page = context.new_page()
    queue, visited, count = list(start), set(), 0
    while queue and count < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        key = shape(url.split("?")[0])
        if key in visited:
            continue
        visited.add(key)
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        count += 1
        queue.extend(links(page, origin))
        for value in page.eval_on_selector_all("time[datetime]", "els => els.map(e => e.getAttribute('datetime'))"):
            if "." in value:  # the HTML standard's date strings have no microseconds (vnu reported 73)
                record("ko", "time", url, value)
        if key not in titles:
            titles[key] = page.title()
        first_visit = key not in seen_shapes  # axe once per shape (the slow part), overflow for every role
        for language in ("ko", "en"):
            if language == "en":
                context.add_cookies([{"name": "django_language", "value": "en", "url": origin}])
                response = page.reload()
            if first_visit:
                keep_html(html_dir, language, key, response)
                record(language, DESKTOP, url, axe(page))
                page.set_viewport_size({"width": PHONE, "height": 800})
                record(language, PHONE, url, axe(page))
            page.set_viewport_size({"width": NARROW, "height": 800})
            record(language, NARROW, url, overflow(page))
            page.set_viewport_size({"width": DESKTOP, "height": 900})
            if language == "en":
                context.add_cookies([{"name": "django_language", "value": "ko", "url": origin}])
        seen_shapes.add(key)
    page.close()
    return count


def test_every_page_shape_fits_320_px_and_passes_axe_and_vnu_for_every_role(browser, live_server, settings, tmp_path):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    html_dir = tmp_path / "html"  # the server's HTML of each page shape, for vnu
    html_dir.mkdir()
    call_command("seed_demo", "--quiet-accounts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    confirm_a_resolution_in_the_demo_meeting()
    services.need("axe-core", services.AXE_JS.exists(), "node_modules/axe-core missing (npm install)")
    services.need("the Nu Html Checker", VNU_JAR.exists(), "node_modules/vnu-jar missing (npm install)")
    services.need(
        "Java", shutil.which("java") is not None, "no java for vnu.jar (apt-get install default-jre-headless)"
    )
    problems: list[str] = []
    counts: Counter = Counter()
    for language in LANGUAGES:  # the report shows a zero as a zero
        counts.update({f"axe {language} {DESKTOP}": 0, f"axe {language} {PHONE}": 0, f"vnu {language}": 0})
        counts.update({f"axe rules {language} {DESKTOP}": 0, f"axe rules {language} {PHONE}": 0})
        counts.update({f"overflow {language} {NARROW}": 0})
    shapes: set[str] = set()
    titles: dict[str, str] = {}

    def record(language, width, url, found):
        who = current[0] or "anonymous"
        if width == "time":
            counts["time with microseconds"] += 1
            problems.append(f"{who} {url}: <time datetime={found!r}>")
        elif width == "vnu":
            counts[f"vnu {language}"] += 1
            problems.append(f"vnu {url}: {found}")
        elif width == NARROW:
            if found > 0:
                counts[f"overflow {language} {width}"] += 1
                problems.append(f"{who} {language} {width}px {url}: scrolls sideways by {found}px")
        elif found:
            counts[f"axe {language} {width}"] += sum(v["n"] for v in found)
            counts[f"axe rules {language} {width}"] += len(found)
            problems.append(f"{who} {language} {width}px {url}: " + json.dumps(found, ensure_ascii=False))

    current = [None]
    pages = 0
    per_role: dict[str, int] = {}
    for email in ROLES:
        current[0] = email
        context = browser.new_context(
            locale="ko-KR", base_url=live_server.url, viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        if email:
            browser_log_in(context.new_page(), email, DEMO_PASSWORD)
        per_role[email or "anonymous"] = crawl(
            context, live_server.url, START["signed in" if email else "anonymous"], shapes, titles, record, html_dir
        )
        pages += per_role[email or "anonymous"]
        context.close()

    assert len(list(html_dir.glob("*.html"))) == 2 * len(shapes), "vnu must see every page shape in both languages"
    for name, message in vnu_errors(html_dir):
        record(name.split("-", 1)[0], "vnu", name, message)

    by_title: dict[str, list[str]] = {}
    for key, title in titles.items():
        by_title.setdefault(title, []).append(key)
    for title, keys in by_title.items():
        if len(keys) > 1:  # each page shape has a title of its own
            counts["shared title"] += 1
            problems.append(f"{len(keys)} page shapes share the title {title!r}: {keys}")
    if os.environ.get("A11Y_REPORT"):
        with open(os.environ["A11Y_REPORT"], "w") as out:
            json.dump(
                {
                    "pages": pages,
                    "per role": per_role,
                    "shapes": sorted(shapes),
                    "counts": counts,
                    "titles": titles,
                    "problems": problems,
                },
                out,
                indent=1,
            )
    assert pages > 40, f"the crawl reached only {pages} pages"
    unreached = [pattern for pattern in MUST_REACH if not any(re.search(pattern, key) for key in shapes)]
    assert not unreached, f"no role reached {unreached} (pages per role: {per_role})"
    assert not problems, f"{len(problems)} problems on {pages} pages:\n" + "\n".join(problems)

"""An export job's page in a browser at 390 px, in Korean and English: the staff list's XLSX button leads to the
page that offers the file (the task runs in-process here, as under `make run`), and a job still being prepared
shows its progress, polled by a small script, and the page reloads once the job has finished. Nothing scrolls sideways; axe-core finds nothing.

EXPORT_SCREENSHOTS=<folder> keeps a screenshot of each page there."""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import roles
from core import export_jobs
from core.models import ExportJob
from tests.factories import PASSWORD, CallFactory, UserFactory, reviewable_plan
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _look(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page, context=name)
    folder = os.environ.get("EXPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_preparing_and_the_ready_page_at_390_px(browser, live_server, language):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF], email="staff@example.kr")
    reviewable_plan(CallFactory())  # a plan on the staff list, so that it offers its exports
    context = browser.new_context(locale="ko-KR", base_url=live_server.url, viewport=PHONE, bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        browser_log_in(page, "staff@example.kr", PASSWORD)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

        waiting = export_jobs.start(
            staff,
            "applications.plans_xlsx",
            {"query": "q=none-yet"},
            filename="plans-20260227-1800.xlsx",
            at=timezone.now(),
            back_url="/staff/plans/",
        )  # built on commit: make it look as it does halfway through
        ExportJob.objects.filter(pk=waiting.pk).update(status="running", file="", rows_done=12500, rows_total=33287)
        page.goto(f"/exports/{waiting.pk}/")
        heading = {"ko": "파일을 준비하고 있습니다…", "en": "Preparing your file…"}[language]
        assert page.get_by_role("heading", level=1).text_content() == heading
        _look(page, f"export-preparing-{language}-390")
        # the script polls the page: the count moves in place, and the page reloads once the job has finished
        ExportJob.objects.filter(pk=waiting.pk).update(rows_done=25000)
        rows = {"ko": "33,287행 중 25,000행", "en": "25,000 of 33,287 rows"}[language]
        page.get_by_text(rows).wait_for()
        ExportJob.objects.filter(pk=waiting.pk).update(status="failed")
        failed = {"ko": "파일을 만들지 못했습니다", "en": "The file could not be prepared"}[language]
        page.get_by_role("heading", level=1, name=failed).wait_for()

        page.goto("/staff/plans/")
        button = {"ko": "엑셀(XLSX)로 내려받기", "en": "Download as Excel (XLSX)"}[language]
        page.get_by_role("button", name=re.compile(re.escape(button))).click()
        page.wait_for_url(re.compile(r"/exports/\d+/$"))
        heading = {"ko": "파일이 준비되었습니다", "en": "Your file is ready"}[language]
        assert page.get_by_role("heading", level=1).text_content() == heading
        assert page.locator('script[src*="export-job.js"]').count() == 0
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(r"plans-.*\.xlsx")).click()
        assert download.value.suggested_filename.startswith("plans-")
        _look(page, f"export-ready-{language}-390")
    finally:
        context.close()

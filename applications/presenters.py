"""What the plan lists (the staff's, the applicant's "my plans") show of each plan, computed once in Python
(issue 12): the addresses of a row reversed once per page (core.row_urls) and its times written once, instead
of a `{% url %}`, a tag and filters per row. Nothing is decided here: the rows are those the views select, a
status is what applications.embargo says the viewer may know."""

from __future__ import annotations

from core.clock import format_kst, machine_kst
from core.row_urls import RowUrl

from . import embargo, workflow


def staff_list_rows(plans) -> list:
    """Each plan of the page with `detail_url`, `screen_url` (only while it waits to be screened) and, once
    submitted, `submitted_text` (KST, "Y-m-d H:i") and `submitted_machine` (for <time datetime>)."""
    detail, screen = RowUrl("applications:detail"), RowUrl("applications:staff_screen")
    rows = list(plans)
    for plan in rows:
        plan.detail_url = detail(plan.pk)
        plan.screen_url = screen(plan.pk) if plan.status == workflow.State.RECEIVED else ""
        if plan.submitted_at:
            plan.submitted_text = format_kst(plan.submitted_at)
            plan.submitted_machine = machine_kst(plan.submitted_at)
    return rows


def my_plan_rows(applications, user, at) -> list:
    """The applicant's "my plans" rows: each plan with `detail_url`, `status_text` (its status as `user` may know
    it at `at`: applications.embargo.shown_status decides) and its last change in KST (`updated_text`,
    "Y-m-d H:i", and `updated_machine` for <time datetime>)."""
    detail = RowUrl("applications:detail")
    rows = list(applications)
    for plan in rows:
        plan.detail_url = detail(plan.pk)
        plan.status_text = embargo.shown_status(user, plan, at)
        plan.updated_text = format_kst(plan.updated_at)
        plan.updated_machine = machine_kst(plan.updated_at)
    return rows

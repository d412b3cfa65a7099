"""What the staff's plan list shows of each plan, computed once in Python (issue 12): the addresses of a row
reversed once per page (core.row_urls) and the submission time written once, instead of two `{% url %}` and
two filters per row. Nothing is decided here: the rows are those applications.exports.filtered_plans gives."""

from __future__ import annotations

from core.clock import format_kst, machine_kst
from core.row_urls import RowUrl

from . import workflow


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

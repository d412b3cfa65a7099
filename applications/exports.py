"""The applications room's spreadsheets: the staff list of plans and a briefing session's registrations.

CSV streams from the request; XLSX is built by an export job (core/export_jobs.py) from the builders below,
registered in apps.py under the permission their views require."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import export_jobs, exports
from core.clock import format_kst, naive_kst

from . import selectors
from .models import BriefingSession, Site
from .staff_forms import StaffApplicationFilterForm

PLANS_XLSX = "applications.plans_xlsx"
BRIEFING_XLSX = "applications.briefing_xlsx"
MANAGE_APPLICATIONS = "applications.manage_applications"
MANAGE_CALLS = "applications.manage_calls"

# Export columns: (header, width in characters for the XLSX sheet).
EXPORT_COLUMNS = (
    (gettext_lazy("Receipt number"), 16),
    (gettext_lazy("Plan title"), 48),
    (gettext_lazy("Applicant organisation"), 28),
    (gettext_lazy("Call"), 40),
    (gettext_lazy("Field"), 28),
    (gettext_lazy("Region of the site"), 16),
    (gettext_lazy("Status"), 22),
    (gettext_lazy("Submitted at (KST)"), 18),
    (gettext_lazy("Total planned investment (KRW)"), 24),
    (gettext_lazy("Direct jobs"), 12),
)
INVESTMENT_COLUMN = 9  # 1-based, for the XLSX number format
SUBMITTED_COLUMN = 8


def filtered_plans(user, data):
    """The staff list's filter form bound to `data` (a QueryDict) and the plans it selects for `user`."""
    form = StaffApplicationFilterForm(data or None)
    filters = form.filters() if form.is_bound else {}
    return form, selectors.staff_application_list(user, filters)


def _organization_name(organization) -> str:
    return organization.name or organization.name_ko


def _region(application):
    try:
        region = application.site.region
    except Site.DoesNotExist:
        return None
    return region


def plan_rows(queryset):
    """One list of plain values per plan: text, a naive KST datetime, integers."""
    for application in queryset.iterator(chunk_size=500):
        region = _region(application)
        submitted = application.submitted_at
        yield [
            application.receipt_number or "",
            application.title,
            _organization_name(application.organization),
            application.call.title,
            application.field.name,
            region.name if region else "",
            str(application.get_status_display()),
            naive_kst(submitted),
            application.total_investment_krw,
            application.total_direct_jobs,
        ]


def build_plans(job, workbook, progress):
    """params: {"query": the staff list's filters as a query string}; the plans the job's owner may see."""
    from openpyxl.utils import get_column_letter

    _form, queryset = filtered_plans(job.owner, QueryDict(job.params.get("query", "")))
    progress.expect(queryset.count())
    sheet = exports.write_only_sheet(
        workbook,
        _("Development plans"),
        [label for label, _width in EXPORT_COLUMNS],
        [width for _label, width in EXPORT_COLUMNS],
    )
    formats = {INVESTMENT_COLUMN - 1: "#,##0", SUBMITTED_COLUMN - 1: "yyyy-mm-dd hh:mm"}
    for row in plan_rows(queryset):
        exports.text_row(sheet, row, formats)
        progress.step()
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{progress.done + 1}"


# --- briefing sessions -------------------------------------------------------------------------------------

EXPORT_HEADER = (
    gettext_lazy("Organisation (Korean)"),
    gettext_lazy("Organisation (English)"),
    gettext_lazy("Number of attendees"),
    gettext_lazy("Attendee names"),
    gettext_lazy("Registered by"),
    gettext_lazy("E-mail"),
    gettext_lazy("Phone"),
    gettext_lazy("Registered at (KST)"),
)


def registrations(session):
    return session.registrations.select_related("organization", "registered_by").order_by("created_at", "pk")


def _cell(value):
    return exports.safe_text("" if value is None else value)


def registration_rows(session):
    for registration in registrations(session).filter(cancelled_at__isnull=True):
        organization, person = registration.organization, registration.registered_by
        yield [
            _cell(organization.name_ko),
            _cell(organization.name_en),
            registration.attendees,
            _cell(registration.attendee_names),
            _cell(person.full_name),
            _cell(person.email),
            _cell(person.phone),
            format_kst(registration.created_at),
        ]


def build_briefing(job, workbook, progress):
    """params: {"session": the briefing session's id}."""
    session = BriefingSession.objects.get(pk=job.params["session"])
    progress.expect(registrations(session).filter(cancelled_at__isnull=True).count())
    sheet = exports.write_only_sheet(workbook, _("Registrations"), EXPORT_HEADER)
    for row in registration_rows(session):
        exports.text_row(sheet, row)
        progress.step()


def register() -> None:
    export_jobs.register(PLANS_XLSX, perm=MANAGE_APPLICATIONS, build=build_plans)
    export_jobs.register(BRIEFING_XLSX, perm=MANAGE_CALLS, build=build_briefing)

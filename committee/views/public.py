"""Public pages: verifying a notice, and the list of designated complexes after the announcement."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, pgettext_lazy

from core import exports
from core.row_urls import RowUrl

from .. import selectors
from ..forms import VerifyFileForm, VerifyForm
from ..models.notices import format_code, normalise_code
from ..presenters import designation_rows

CSV_COLUMNS = (
    gettext_lazy("Field"),
    gettext_lazy("Region"),
    gettext_lazy("Development plan"),
    gettext_lazy("Applicant organisation"),
    gettext_lazy("Site"),
    gettext_lazy("Area (m²)"),
    gettext_lazy("Anchor companies"),
    gettext_lazy("Total planned investment (KRW)"),
    pgettext_lazy("committee resolution", "Decision"),
    gettext_lazy("Document number"),
    gettext_lazy("Verification page"),
)


def verify_start(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("committee:verify", code=form.cleaned_data["code"].strip() or "-")
    return render(request, "committee/verify.html", {"form": form, "file_form": VerifyFileForm(), "searched": False})


def verify(request, code):
    """Whether a notice is genuine. A malformed or forged code, or one of a result not announced yet, is
    reported as unknown with status 404: the page never says more than the notice itself."""
    normalised = normalise_code(code)
    notice = selectors.verifiable_notice(request.received_at, verification_code=normalised) if normalised else None
    context = {
        "form": VerifyForm(initial={"code": format_code(normalised) if normalised else code}),
        "file_form": VerifyFileForm(),
        "searched": True,
        "notice": notice,
        "superseded": _superseded(notice),
    }
    return render(request, "committee/verify.html", context, status=200 if notice else 404)


def verify_file(request):
    """Check a notice PDF someone holds: the file is genuine when it is, byte for byte, a notice the portal
    issued and announced; its signature is reported too (what any PDF reader would say of it)."""
    file_form = VerifyFileForm(request.POST, request.FILES)
    context = {"form": VerifyForm(), "file_form": file_form, "searched": False}
    if not file_form.is_valid():
        return render(request, "committee/verify.html", context, status=400)
    verdict = selectors.verify_file(file_form.cleaned_data["pdf"].read(), request.received_at)
    context.update(
        checked=True,
        verdict=verdict,
        notice=verdict.notice,
        superseded=_superseded(verdict.notice),
        file_form=VerifyFileForm(),
    )
    return render(request, "committee/verify.html", context, status=200 if verdict.genuine else 404)


def _superseded(notice) -> bool:
    return notice is not None and notice.resolution.status == notice.resolution.Status.SUPERSEDED


def _rows(request):
    verify = RowUrl("committee:verify")
    for application in selectors.designations(request.received_at):
        notice = application.designation_notice
        site = getattr(application, "site", None)
        yield {
            "application": application,
            "site": site,
            "region": site.region if site and site.region else None,
            "anchors": application.anchor_list,
            "notice": notice,
            "verify_url": verify.text(notice.display_code) if notice else "",
            "conditions": selectors.conditions_summary(application),
        }


def designations(request):
    return render(request, "committee/designations.html", {"rows": designation_rows(list(_rows(request)))})


def designations_csv(request):
    def rows():
        for row in _rows(request):
            application, site, notice = row["application"], row["site"], row["notice"]
            yield (
                application.field.name,
                row["region"].name if row["region"] else "",
                application.title,
                application.organization.name,
                site.name if site else "",
                site.area_m2 if site and site.area_m2 is not None else "",
                "; ".join(a.name for a in row["anchors"]),
                application.total_investment_krw,
                application.get_status_display(),
                notice.document_number if notice else "",
                request.build_absolute_uri(row["verify_url"]) if notice else "",
            )

    return exports.csv_response(CSV_COLUMNS, list(rows()), "designations.csv")

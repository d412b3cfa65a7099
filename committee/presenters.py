"""What the public designations page shows of each row, written once in Python (issue 12: the page's 61 rows
resolved ~19 template lookups and filters each). The rows are committee.views.public's (plans, their site,
region, anchors, notice and conditions summary as committee.selectors gives them); nothing is decided here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import grouped, won


def designation_rows(rows: list[dict]) -> list[dict]:
    """Each row with the texts of its cells: `region_text`, `site_text` (the site's name, else the plan's title),
    `organization_text`, `area_text`, `anchors_text`, `investment_text`, `status_text`, `conditions_text`
    ("" when no condition is followed up) and `document_number` (of its notice, "" without one); "—" for an
    empty cell."""
    for row in rows:
        application, site, region = row["application"], row["site"], row["region"]
        row["region_text"] = (region.name if region is not None else "") or "—"
        row["site_text"] = (site.name if site is not None else "") or application.title
        row["organization_text"] = application.organization.name
        row["area_text"] = grouped(site.area_m2) if site is not None and site.area_m2 else "—"
        row["anchors_text"] = ", ".join(anchor.name for anchor in row["anchors"]) or "—"
        row["investment_text"] = won(application.total_investment_krw)
        row["status_text"] = application.get_status_display()
        conditions = row["conditions"]
        if not conditions:
            row["conditions_text"] = ""
        elif conditions["all_met"]:
            row["conditions_text"] = _("All conditions met")
        else:
            row["conditions_text"] = _("Conditions met: %(met)s of %(total)s") % {
                "met": conditions["met"],
                "total": conditions["total"],
            }
        row["document_number"] = row["notice"].document_number if row["notice"] is not None else ""
    return rows

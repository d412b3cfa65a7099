"""Conflict detection: which evaluators are tied to which plans through their affiliation.

An evaluator is conflicted with a plan when their affiliated organisation leads it, takes part in it (an
accepted invitation: an organisation named without its consent does not knock an evaluator out), is named
as one of its anchor companies (same business registration number), or is the metropolitan government of the
region where the plan's site lies.
"""

from collections import defaultdict

from django.utils.translation import gettext_noop

from accounts.models import Organization
from applications.models import AnchorCompany, Participation, Site

from .models import ExpertProfile

# Stored untranslated (the catalogue's msgid) and translated where shown, so the reason reads in the reader's language.
LEADS = gettext_noop("The evaluator's organisation leads this plan.")
PARTICIPATES = gettext_noop("The evaluator's organisation takes part in this plan.")
ANCHOR = gettext_noop("The evaluator's organisation is an anchor company of this plan.")
LOCAL_GOVERNMENT = gettext_noop("The evaluator's organisation is the local government of this plan's site.")


def detect(applications, users) -> dict[tuple[int, int], str]:
    """{(application_id, user_id): reason} for every detected conflict, in a fixed number of queries."""
    application_ids = [a.pk for a in applications]
    profiles = {
        p.user_id: p.affiliation
        for p in ExpertProfile.objects.filter(user__in=users, affiliation__isnull=False).select_related("affiliation")
    }
    if not profiles or not application_ids:
        return {}
    by_org: dict[int, list[int]] = defaultdict(list)
    for user_id, organization in profiles.items():
        by_org[organization.pk].append(user_id)
    # Plain dicts: the queries below keep only their keys, so a key they return is always there.
    by_number: dict[str, list[int]] = {}
    for user_id, organization in profiles.items():
        if organization.business_number:
            by_number.setdefault(organization.business_number, []).append(user_id)
    by_region: dict[int, list[int]] = {}
    for user_id, organization in profiles.items():
        if organization.kind == Organization.Kind.METROPOLITAN and organization.region_id:
            by_region.setdefault(organization.region_id, []).append(user_id)

    found: dict[tuple[int, int], str] = {}
    for application in applications:
        for user_id in by_org.get(application.organization_id, ()):
            found.setdefault((application.pk, user_id), LEADS)
    participations = Participation.objects.accepted().filter(application_id__in=application_ids)
    for application_id, organization_id in participations.values_list("application_id", "organization_id"):
        for user_id in by_org.get(organization_id, ()):
            found.setdefault((application_id, user_id), PARTICIPATES)
    for application_id, number in AnchorCompany.objects.filter(
        application_id__in=application_ids, business_number__in=list(by_number)
    ).values_list("application_id", "business_number"):
        for user_id in by_number[number]:
            found.setdefault((application_id, user_id), ANCHOR)
    if by_region:
        for application_id, region_id in Site.objects.filter(
            application_id__in=application_ids, region_id__in=list(by_region)
        ).values_list("application_id", "region_id"):
            for user_id in by_region[region_id]:
                found.setdefault((application_id, user_id), LOCAL_GOVERNMENT)
    return found

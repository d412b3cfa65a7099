"""Who may do what in the committee room: small named predicates (django-rules).

The secretariat (사무국) prepares meetings, records and confirms resolutions and sends the notices. An applicant
reads its own notice only once the results are announced and the notice has been sent (see selectors).
"""

import rules

from accounts.rules import is_secretariat


@rules.predicate
def may_view_plan(user, notice):
    return notice is not None and user.has_perm("applications.view_application", notice.resolution.application)


@rules.predicate
def notice_released(user, notice):
    from django.utils import timezone

    from applications import embargo

    # No request here: the views judge the embargo at the arrival instant first (selectors.result_for), and
    # what was released then is released now.
    return notice is not None and notice.is_sent and embargo.released(notice.call, timezone.now())


rules.add_perm("committee.record_resolutions", is_secretariat)
rules.add_perm("committee.download_notice", is_secretariat | (may_view_plan & notice_released))

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
    from .selectors import is_announced

    return notice is not None and notice.is_sent and is_announced(notice.call)


rules.add_perm("committee.record_resolutions", is_secretariat)
rules.add_perm("committee.download_notice", is_secretariat | (may_view_plan & notice_released))

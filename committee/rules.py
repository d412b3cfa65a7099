"""Who may do what in the committee room: small named predicates (django-rules).

The secretariat (사무국) prepares meetings, records and confirms resolutions and sends the notices. An applicant
reads its own notice only once the results are announced and the notice has been sent (see selectors).
"""

import rules

from accounts.rules import is_ministry_staff, is_secretariat


# Plain functions wrapped where they are registered (mutmut skips decorated functions, so these are mutated).
def _may_view_plan(user, notice):
    return notice is not None and user.has_perm("applications.view_application", notice.resolution.application)


def _notice_released(user, notice):
    from django.utils import timezone

    from applications import embargo

    # No request here: the views judge the embargo at the arrival instant first (selectors.result_for), and
    # what was released then is released now.
    return notice is not None and notice.is_sent and embargo.released(notice.call, timezone.now())


may_view_plan = rules.predicate(_may_view_plan, name="may_view_plan")
notice_released = rules.predicate(_notice_released, name="notice_released")

rules.add_perm("committee.record_resolutions", is_secretariat)
rules.add_perm("committee.download_notice", is_secretariat | (may_view_plan & notice_released))
rules.add_perm("committee.follow_up_conditions", is_ministry_staff)

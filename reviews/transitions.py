"""The reviews room's transitions: screened -> advisory review -> subcommittee -> committee."""

from django.utils.translation import gettext_lazy as _

from applications.workflow import State, Transition, register


def _staff(user, application):
    return user.has_perm("reviews.manage_panels")


def _chair(user, application):
    return user.has_perm("reviews.finalise_recommendation", application)


def all_reviews_in(application, at):
    from .selectors import open_advisory_assignments

    if open_advisory_assignments(application).exists():
        return _(
            "Not all assigned evaluators have submitted their review yet. Wait for them, or move the plan on "
            "with a reason."
        )
    return None


def has_advisory_reviews(application, at):
    from .models import Review, Stage

    if not Review.objects.filter(
        assignment__application=application,
        assignment__panel__stage=Stage.ADVISORY,
        status=Review.Status.SUBMITTED,
    ).exists():
        return _("No evaluator has submitted a review of this plan yet.")
    return None


def opinions_in(application, at):
    """Every ministry asked has answered (or none was asked)."""
    from .models import Consultation

    waiting = list(
        Consultation.objects.filter(application=application, recorded_at__isnull=True).values_list(
            "ministry", flat=True
        )
    )
    if waiting:
        return _("Waiting for the opinion of: %(ministries)s. Record it, or move the plan on with a reason.") % {
            "ministries": ", ".join(waiting)
        }
    return None


def has_subcommittee_scores(application, at):
    """The committee is asked to decide on the subcommittee's evaluation: at least one subcommittee review that
    counts (submitted, by a member not conflicted with the plan). Without one the chair refers only with a
    reason, which the history keeps (refer_to_committee_override)."""
    from .aggregates import counted_reviews
    from .models import Stage

    # One statement per line: mutmut 3 generates invalid Python for a parenthesised multi-line condition.
    counted = counted_reviews(call_id=application.call_id, stage=Stage.SUBCOMMITTEE)
    if not counted.filter(assignment__application=application).exists():
        return _(
            "No subcommittee member's scores count for this plan yet. Wait for them, or refer the plan with a "
            "reason for doing so without them."
        )
    return None


def has_recommendation(application, at):
    from .models import Recommendation

    if not Recommendation.objects.filter(application=application).exists():
        return _("The subcommittee's recommendation has not been recorded.")
    return None


def register_all():
    register(
        Transition("start_advisory_review", (State.SCREENED,), State.ADVISORY_REVIEW, _("Start expert review"), _staff)
    )
    # The consultation with related ministries: after the expert panel, before the subcommittee (the
    # published procedure). Staff open it by asking the first ministry; a plan no ministry need see moves on
    # to the subcommittee directly.
    register(
        Transition(
            "start_consultation",
            (State.ADVISORY_REVIEW,),
            State.CONSULTATION,
            _("Consult related ministries"),
            _staff,
            guards=(has_advisory_reviews, all_reviews_in),
        )
    )
    register(
        Transition(
            "start_consultation_override",
            (State.ADVISORY_REVIEW,),
            State.CONSULTATION,
            _("Consult related ministries before all reviews are in"),
            _staff,
            guards=(has_advisory_reviews,),
            requires_reason=True,
        )
    )
    register(
        Transition(
            "to_subcommittee",
            (State.ADVISORY_REVIEW, State.CONSULTATION),
            State.SUBCOMMITTEE,
            _("Move to the subcommittee"),
            _staff,
            guards=(has_advisory_reviews, all_reviews_in, opinions_in),
        )
    )
    register(
        Transition(
            "to_subcommittee_override",
            (State.ADVISORY_REVIEW, State.CONSULTATION),
            State.SUBCOMMITTEE,
            _("Move to the subcommittee before all reviews are in"),
            _staff,
            guards=(has_advisory_reviews,),
            requires_reason=True,
        )
    )
    register(
        Transition(
            "refer_to_committee",
            (State.SUBCOMMITTEE,),
            State.COMMITTEE,
            _("Refer to the committee"),
            _chair,
            guards=(has_recommendation, has_subcommittee_scores),
        )
    )
    register(
        Transition(
            "refer_to_committee_override",
            (State.SUBCOMMITTEE,),
            State.COMMITTEE,
            _("Refer to the committee without the subcommittee's scores"),
            _chair,
            guards=(has_recommendation,),
            requires_reason=True,
        )
    )

"""Every state change of the reviews room: plain functions taking the actor and the instant `at` (the request's
arrival, never the clock read here), each in one transaction.

Refusals raise ReviewRefused with a translated message for the user; nothing here touches the request.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from applications import audit, workflow
from applications.workflow import State
from core import files, states
from core.clock import kst_date
from core.errors import Refused

from . import conflicts as detection
from . import due, standings
from .models import (
    Assignment,
    Conflict,
    Criterion,
    Panel,
    Recommendation,
    Review,
    Rubric,
    Score,
    Stage,
    SubcommitteeNote,
)


class ReviewRefused(Refused):
    """A review action the rules do not allow; `field_errors` names the criteria or fields concerned."""


# --- panels and assignment -------------------------------------------------------------------------------


def create_panel(
    actor, *, call, field, stage=Stage.ADVISORY, name: str, name_en: str = "", reviewers_per_plan: int = 5
) -> Panel:
    with transaction.atomic():
        if not Rubric.objects.filter(call=call, stage=stage).exists():
            raise ReviewRefused(_("Set up the rubric of this call and stage first (administration: rubrics)."))
        if Panel.objects.filter(call=call, field=field, stage=stage).exists():
            raise ReviewRefused(_("This call already has a panel for this field and stage."))
        return Panel.objects.create(
            call=call,
            field=field,
            stage=stage,
            name=name,
            name_en=name_en.strip(),
            reviewers_per_plan=reviewers_per_plan,
            created_by=actor,
        )


def set_panel_members(actor, panel: Panel, users) -> None:
    with transaction.atomic():
        assigned = set(panel.assignments.values_list("reviewer_id", flat=True))
        keep = {u.pk for u in users}
        missing = assigned - keep
        if missing:
            raise ReviewRefused(_("Members who already have assignments cannot be removed from the panel."))
        panel.members.set(users)
        sync_detected_conflicts(panel)


def sync_detected_conflicts(panel: Panel) -> int:
    """Record the conflicts detected between the panel's members and its plans (idempotent)."""
    applications = list(panel.plans())
    found = detection.detect(applications, list(panel.members.all()))
    existing = set(
        Conflict.objects.filter(
            source=Conflict.Source.DETECTED, application__in=applications, user__in=panel.members.all()
        ).values_list("application_id", "user_id")
    )
    new = [
        Conflict(application_id=a, user_id=u, source=Conflict.Source.DETECTED, reason=reason)
        for (a, u), reason in found.items()
        if (a, u) not in existing
    ]
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    standings.refresh(conflict.application_id for conflict in new)  # a conflicted review stops counting
    return len(new)


def _blocking_conflict(application, user):
    return (
        Conflict.objects.filter(
            application=application, user=user, source__in=(Conflict.Source.DETECTED, Conflict.Source.PINNED)
        ).first()
        or Conflict.objects.filter(application=application, user=user).first()
    )


def assign(actor, panel: Panel, application, reviewer, *, at) -> Assignment:
    """Assign one evaluator. Not atomic on purpose: a conflict detected here stays recorded when the
    assignment is refused (inside bulk_assign the whole batch, detection included, is rolled back)."""
    try:
        assignment = _assign(actor, panel, application, reviewer, at=at)
    except ReviewRefused:
        standings.refresh([application.pk])  # a conflict detected on the way stays recorded
        raise
    standings.refresh([application.pk])  # the plan is in the stage's ranking from its first assignment
    return assignment


def _assign(actor, panel: Panel, application, reviewer, *, at) -> Assignment:
    if application.call_id != panel.call_id or application.field_id != panel.field_id:
        raise ReviewRefused(_("This plan does not belong to the panel's call and field."))
    if application.status not in panel.stage_states():
        raise ReviewRefused(_("Only plans that reached this stage can be assigned."))
    if not panel.members.filter(pk=reviewer.pk).exists():
        raise ReviewRefused(_("%(name)s is not a member of this panel.") % {"name": reviewer})
    found = detection.detect([application], [reviewer])
    if found:
        Conflict.objects.get_or_create(
            application=application,
            user=reviewer,
            source=Conflict.Source.DETECTED,
            defaults={"reason": next(iter(found.values()))},
        )
    conflict = _blocking_conflict(application, reviewer)
    if conflict:
        raise ReviewRefused(
            _("%(name)s cannot evaluate “%(plan)s”: %(reason)s")
            % {
                "name": reviewer,
                "plan": application,
                "reason": _(conflict.reason) if conflict.reason else conflict.get_source_display(),
            }
        )
    assignment, _created = Assignment.objects.get_or_create(
        panel=panel,
        application=application,
        reviewer=reviewer,
        defaults={"assigned_by": actor, "assigned_at": at},
    )
    return assignment


def bulk_assign(actor, panel: Panel, pairs, *, at) -> int:
    """Assign every (application, reviewer) pair, all or nothing."""
    with transaction.atomic():
        created = 0
        for application, reviewer in pairs:
            before = Assignment.objects.filter(panel=panel, application=application, reviewer=reviewer).exists()
            _assign(actor, panel, application, reviewer, at=at)
            created += not before
        standings.refresh(application.pk for application, _reviewer in pairs)  # once for the batch
        return created


def unassign(actor, assignment: Assignment) -> None:
    """Remove an assignment and the evaluator's draft, if any. A review that was ever submitted (even one
    reopened since) stays: its scores are part of the record."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
        review = Review.objects.filter(assignment=assignment).first()
        if review is not None and review.was_submitted:
            raise ReviewRefused(_("This evaluator has already submitted a review; the assignment stays."))
        if review is not None:
            review.scores.all().delete()
            review.delete()
        audit.record(
            action="assignment_removed",
            actor=actor,
            application=assignment.application,
            data={
                "panel": assignment.panel_id,
                "reviewer": assignment.reviewer_id,
                "draft_removed": review is not None,
            },
        )
        assignment.delete()
        standings.refresh([assignment.application_id])  # its last assignment of a stage takes it off the ranking


def propose_assignments(panel: Panel) -> list[tuple[int, int]]:
    """An assignment proposal: every plan gets up to `reviewers_per_plan` evaluators, the load spread evenly,
    conflicted evaluators skipped. Returns new (application_id, user_id) pairs; nothing is saved."""
    sync_detected_conflicts(panel)
    plans = list(panel.plans().order_by("receipt_number", "pk").values_list("pk", flat=True))
    members = list(panel.members.order_by("pk").values_list("pk", flat=True))
    current = set(panel.assignments.values_list("application_id", "reviewer_id"))
    blocked = set(Conflict.objects.filter(application_id__in=plans).values_list("application_id", "user_id"))
    load = {m: 0 for m in members}
    for _application, reviewer in current:
        if reviewer in load:
            load[reviewer] += 1
    proposal = []
    # Plans with the fewest evaluators available go first, so scarce evaluators are kept for them.
    available = {p: [m for m in members if (p, m) not in blocked and (p, m) not in current] for p in plans}
    for plan in sorted(plans, key=lambda p: (len(available[p]), plans.index(p))):
        have = sum(1 for (a, _r) in current if a == plan)
        for member in sorted(available[plan], key=lambda m: (load[m], m))[: max(panel.reviewers_per_plan - have, 0)]:
            proposal.append((plan, member))
            load[member] += 1
    return proposal


def pin_conflict(actor, application, user, reason: str) -> Conflict:
    with transaction.atomic():
        if not reason.strip():
            raise ReviewRefused(_("Please give a reason."))
        conflict, _created = Conflict.objects.update_or_create(
            application=application,
            user=user,
            source=Conflict.Source.PINNED,
            defaults={"reason": reason, "recorded_by": actor},
        )
        audit.record(
            action="conflict_pinned", actor=actor, application=application, reason=reason, data={"user": user.pk}
        )
        standings.refresh([application.pk])  # the evaluator's submitted reviews of the plan stop counting
        return conflict


# --- evaluators ------------------------------------------------------------------------------------------


def declare(actor, assignment: Assignment, *, conflict: bool, reason: str = "", pledge: bool = False, at):
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.declaration != Assignment.Declaration.PENDING:
            raise ReviewRefused(_("You have already made your declaration for this plan."))
        if conflict:
            if not reason.strip():
                raise ReviewRefused(
                    _("Please describe the conflict briefly."), {"reason": _("Please describe the conflict briefly.")}
                )
            assignment.declaration = Assignment.Declaration.CONFLICT
            Conflict.objects.get_or_create(
                application_id=assignment.application_id,
                user=actor,
                source=Conflict.Source.DECLARED,
                defaults={"reason": reason, "recorded_by": actor},
            )
            audit.record(
                action="conflict_declared", actor=actor, application=assignment.application, reason=reason, at=at
            )
        else:
            if not pledge:
                raise ReviewRefused(
                    _("Please confirm the pledge to continue."), {"pledge": _("Please confirm the pledge to continue.")}
                )
            assignment.declaration = Assignment.Declaration.NO_CONFLICT
        assignment.declared_at = at
        assignment.save(update_fields=["declaration", "declared_at"])
        if conflict:  # the declared conflict covers the evaluator's reviews of the plan at every stage
            standings.refresh([assignment.application_id])
        return assignment


def _review_for(assignment: Assignment) -> Review:
    """The evaluator's review, created on the first save (get_or_create: two first saves at once get one)."""
    version = assignment.application.latest_version
    if version is None:
        raise ReviewRefused(_("This plan has no submitted version to review."))
    review, _created = Review.objects.get_or_create(assignment=assignment, defaults={"version": version})
    return review


def _check_points(criterion: Criterion, points) -> str | None:
    if points is None:
        return None
    if points < 0 or points > criterion.max_points:
        return _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points}
    if (points * 2) != (points * 2).to_integral_value():
        return _("Points are given in steps of 0.5.")
    return None


def save_review(actor, assignment: Assignment, *, scores: dict, opinion: str, at) -> Review:
    """Save a draft: {criterion_id: (points or None, comment)}. Out-of-range points are refused, per field."""
    with transaction.atomic():
        review = _review_for(assignment)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.is_submitted:
            raise ReviewRefused(_("This review has been submitted; ask ministry staff to reopen it to change it."))
        problem = due.review_closed_message(assignment.panel, assignment.application, review, at, actor)
        if problem:
            raise ReviewRefused(problem)
        criteria = {
            c.pk: c
            for c in Criterion.objects.filter(rubric__call=assignment.panel.call, rubric__stage=assignment.panel.stage)
        }
        errors = {}
        for criterion_id, (points, _comment) in scores.items():
            criterion = criteria.get(criterion_id)
            message = (
                _check_points(criterion, points) if criterion else _("This criterion is not in this stage's rubric.")
            )
            if message:
                errors[f"score_{criterion_id}"] = message
        if errors:
            raise ReviewRefused(_("Some scores are not valid; see the marked fields."), errors)
        for criterion_id, (points, comment) in scores.items():
            Score.objects.update_or_create(
                review=review, criterion_id=criterion_id, defaults={"points": points, "comment": comment}
            )
        review.overall_opinion = opinion
        review.revision += 1
        review.save(update_fields=["overall_opinion", "revision", "updated_at"])
        return review


def missing_for_submission(review: Review) -> dict:
    criteria = Criterion.objects.filter(
        rubric__call=review.assignment.panel.call, rubric__stage=review.assignment.panel.stage
    )
    scores = {s.criterion_id: s for s in review.scores.all()}
    errors = {}
    for criterion in criteria:
        score = scores.get(criterion.pk)
        if score is None or score.points is None:
            errors[f"score_{criterion.pk}"] = _("Give a score for this criterion.")
        elif criterion.comment_required and not score.comment.strip():
            errors[f"comment_{criterion.pk}"] = _("A comment is required for this criterion.")
    if not review.overall_opinion.strip():
        errors["overall_opinion"] = _("Write your overall opinion.")
    return errors


def submit_review(actor, assignment: Assignment, *, at) -> Review:
    with transaction.atomic():
        review = Review.objects.select_for_update().get(assignment=assignment)
        if review.is_submitted:
            raise ReviewRefused(_("This review has already been submitted."))
        problem = due.review_closed_message(assignment.panel, assignment.application, review, at, actor)
        if problem:
            raise ReviewRefused(problem)
        errors = missing_for_submission(review)
        if errors:
            raise ReviewRefused(_("The review is not complete yet; see the marked fields."), errors)
        states.move(review, Review.Status.SUBMITTED, refusal=ReviewRefused)
        # The total is summed by the database, from exactly the rows stored (save_review changes them only
        # under the review's row lock, held here).
        total = Score.objects.filter(review=review).aggregate(t=Sum("points"))["t"]
        Review.objects.filter(pk=review.pk).update(status=review.status, submitted_at=at, total=total)
        standings.refresh([assignment.application_id])
        review.refresh_from_db()
        return review


def reopen_review(actor, review: Review, *, until: datetime.datetime, reason: str, at) -> Review:
    with transaction.atomic():
        errors = {}
        if not reason.strip():
            errors["reason"] = _("Please give a reason.")
        if until <= at:
            errors["until"] = _("The new due time must be in the future.")
        if errors:
            raise ReviewRefused(" ".join(errors.values()), errors)
        review = Review.objects.select_for_update().select_related("assignment__application").get(pk=review.pk)
        was = review.status
        if review.status != Review.Status.DRAFT:  # a draft only gets the new due time
            states.move(review, Review.Status.DRAFT, refusal=ReviewRefused)
        Review.objects.filter(pk=review.pk).update(
            status=review.status, submitted_at=None, total=None, reopened_until=until
        )
        audit.record(
            action="review_reopened",
            actor=actor,
            application=review.assignment.application,
            reason=reason,
            data={"review": review.pk, "reviewer": review.assignment.reviewer_id, "was": was, "until": until},
            at=at,
        )
        standings.refresh([review.assignment.application_id])
        review.refresh_from_db()
        return review


# --- workflow steps --------------------------------------------------------------------------------------


def start_advisory_review(actor, applications, *, at) -> int:
    moved = 0
    for application in applications:
        if application.status == State.SCREENED:
            workflow.perform(application, "start_advisory_review", actor, at=at)
            moved += 1
    return moved


def move_to_subcommittee(actor, application, *, reason: str = "", at):
    name = "to_subcommittee_override" if reason.strip() else "to_subcommittee"
    return workflow.perform(application, name, actor, at=at, reason=reason)


def add_note(actor, application, *, kind: str, text: str, held_on=None) -> SubcommitteeNote:
    with transaction.atomic():
        if not text.strip():
            raise ReviewRefused(_("Write the notes first."), {"text": _("Write the notes first.")})
        return SubcommitteeNote.objects.create(
            application=application, author=actor, kind=kind, text=text, held_on=held_on
        )


def finalise_recommendation(
    actor, application, *, decision: str, reasons: str, conditions: str = "", override_reason: str = "", at
):
    """Record the subcommittee's recommendation and refer the plan to the committee. Without subcommittee
    scores that count, only with `override_reason` (kept in the history as an override)."""
    with transaction.atomic():
        from .selectors import stage_summary

        errors = {}
        if not reasons.strip():
            errors["reasons"] = _("Give the reasons for the recommendation.")
        if decision == Recommendation.Decision.RECOMMEND_WITH_CONDITIONS and not conditions.strip():
            errors["conditions"] = _("State the conditions.")
        if errors:
            raise ReviewRefused(_("The recommendation is not complete; see the marked fields."), errors)
        if application.status != State.SUBCOMMITTEE:
            raise ReviewRefused(_("Only plans under subcommittee evaluation can be referred to the committee."))
        if Recommendation.objects.filter(application=application).exists():
            raise ReviewRefused(_("The recommendation for this plan has already been finalised."))
        recommendation = Recommendation.objects.create(
            application=application,
            decision=decision,
            conditions=conditions if decision == Recommendation.Decision.RECOMMEND_WITH_CONDITIONS else "",
            reasons=reasons,
            summary=stage_summary(application),
            finalised_by=actor,
            finalised_at=at,
        )
        if override_reason.strip():
            workflow.perform(
                application,
                "refer_to_committee_override",
                actor,
                at=at,
                reason=override_reason,
                data={"recommendation": decision, "reasons": reasons},
            )
        else:
            workflow.perform(
                application, "refer_to_committee", actor, at=at, reason=reasons, data={"recommendation": decision}
            )
        return recommendation


# --- the consultation with related ministries ------------------------------------------------------------

CONSULTATION_STATES = (State.ADVISORY_REVIEW, State.CONSULTATION)


def request_opinions(
    actor, application, *, ministries: list[str], due_on: datetime.date, question: str = "", reason: str = "", at
) -> list:
    """Ask ministries for their opinion on a plan. The first request moves the plan from the expert review into
    the consultation (with all reviews in, or with `reason`: an override kept in the history); later ones add
    ministries while it lasts. A ministry is asked once per plan."""
    from .models import Consultation

    if not actor.has_perm("reviews.manage_panels"):
        raise ReviewRefused(_("Only ministry staff may consult other ministries."))
    names = [" ".join(name.split()) for name in ministries if name.strip()]
    if not names:
        raise ReviewRefused(_("Name at least one ministry."), {"ministries": _("Name at least one ministry.")})
    if len(set(names)) != len(names):
        raise ReviewRefused(_("A ministry is named twice."), {"ministries": _("A ministry is named twice.")})
    if due_on < kst_date(at):
        raise ReviewRefused(_("The due date has passed."), {"due_on": _("The due date has passed.")})
    with transaction.atomic():
        locked = type(application).objects.select_for_update().get(pk=application.pk)
        if locked.status not in CONSULTATION_STATES:
            raise ReviewRefused(_("Ministries are consulted after the expert review and before the subcommittee."))
        asked = set(Consultation.objects.filter(application=locked).values_list("ministry", flat=True))
        again = [name for name in names if name in asked]
        if again:
            message = _("Already asked: %(ministries)s.") % {"ministries": ", ".join(again)}
            raise ReviewRefused(message, {"ministries": message})
        if locked.status == State.ADVISORY_REVIEW:
            name = "start_consultation_override" if reason.strip() else "start_consultation"
            locked = workflow.perform(locked, name, actor, at=at, reason=reason)
        created = [
            Consultation.objects.create(
                application=locked, ministry=ministry, question=question, due_on=due_on, requested_by=actor,
                requested_at=at,
            )
            for ministry in names
        ]  # fmt: skip
        audit.record(
            action="opinions_requested",
            actor=actor,
            application=locked,
            data={"ministries": names, "due_on": due_on.isoformat()},
            at=at,
        )
    return created


def record_opinion(actor, consultation, *, opinion: str, dated: datetime.date, upload=None, at):
    """Record a ministry's opinion (its text, its document, or both) while the plan is in consultation. A
    second recording replaces the first (a ministry may revise its opinion); each is audited."""
    from applications import uploads

    from .models import Consultation

    if not actor.has_perm("reviews.manage_panels"):
        raise ReviewRefused(_("Only ministry staff may record a ministry's opinion."))
    if not opinion.strip() and upload is None:
        message = _("Give the opinion's text or attach its document.")
        raise ReviewRefused(message, {"opinion": message})
    if dated > kst_date(at):
        message = _("The opinion cannot be dated in the future.")
        raise ReviewRefused(message, {"dated": message})
    with files.written_files(), transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("application").get(pk=consultation.pk)
        if locked.application.status != State.CONSULTATION:
            raise ReviewRefused(_("The consultation of this plan is over; its opinions can no longer change."))
        if upload is not None:
            allowed = uploads.ALLOWED_BY_KIND["investment_mou"]  # PDF, HWP or HWPX: what ministries send
            try:
                kind, digest, _size = uploads.inspect(upload, allowed=allowed)
            except uploads.UploadRefused as exc:
                raise ReviewRefused(exc.message, {"upload": exc.message}) from exc
            locked.opinion_file.save(uploads.generated_name(upload.name), upload, save=False)
            locked.opinion_file_name = uploads.safe_display_name(upload.name)
            locked.opinion_file_type, locked.opinion_file_sha256 = kind, digest
        locked.opinion = opinion
        locked.opinion_dated = dated
        locked.recorded_by, locked.recorded_at = actor, at
        locked.save()
        audit.record(
            action="opinion_recorded",
            actor=actor,
            application=locked.application,
            data={"ministry": locked.ministry, "file": locked.opinion_file_sha256 or None},
            at=at,
        )
    return locked

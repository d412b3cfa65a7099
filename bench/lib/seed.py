"""Benchmark data in bulk: one call with three fields, `plans` plans x 7 submitted reviews x 7 criterion scores.

Everything is written with bulk inserts (a few seconds for 2,000 plans); the caller runs ANALYZE afterwards.
Plans are spread over 20 applicant organisations and three fields; each field has an advisory panel of 35
experts, each plan is reviewed by 7 of them (so one evaluator has ~N/15 rows), and about one review in 500 is
by an evaluator later found conflicted (so the "conflicted reviews don't count" rule has work to do).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

REVIEWS_PER_PLAN = 7
EXPERTS_PER_PANEL = 35
ORGANIZATIONS = 20
FIELDS = (
    ("BAT", "이차전지", "Secondary batteries"),
    ("SEM", "반도체", "Semiconductors"),
    ("DSP", "디스플레이", "Displays"),
)


@dataclass
class World:
    call: object
    rubric: object
    criteria: list
    fields: list
    panels: list
    organizations: list
    author: object
    staff: object
    evaluator: object
    applicant: object
    plan_count: int = 0
    versions: dict = field(default_factory=dict)


def create_world() -> World:
    from accounts import roles
    from accounts.models import Membership
    from applications.models import Field
    from reviews.models import Criterion, Panel, Stage
    from tests.factories import (
        CallFactory,
        ExpertFactory,
        MembershipFactory,
        OrganizationFactory,
        UserFactory,
        make_rubric,
    )

    fields = []
    for position, (code, ko, en) in enumerate(FIELDS):
        item, _ = Field.objects.get_or_create(code=code, defaults={"name_ko": ko, "name_en": en})
        Field.objects.filter(pk=item.pk).update(sort_order=position)
        item.refresh_from_db()
        fields.append(item)
    call = CallFactory(slug="bench-call", fields=fields, announcement_at=None)
    rubric = make_rubric(call, stage=Stage.ADVISORY)
    criteria = list(Criterion.objects.filter(rubric=rubric).order_by("position", "pk"))
    staff = UserFactory(roles=[roles.MINISTRY_STAFF], email="staff@bench.kr")
    panels = []
    for item in fields:
        members = ExpertFactory.create_batch(EXPERTS_PER_PANEL)
        panel = Panel.objects.create(
            call=call,
            field=item,
            stage=Stage.ADVISORY,
            name=f"{item.code} 자문 패널",
            reviewers_per_plan=REVIEWS_PER_PLAN,
            created_by=staff,
        )
        panel.members.set(members)
        panel.member_list = members
        panels.append(panel)
    organizations = OrganizationFactory.create_batch(ORGANIZATIONS)
    applicant = UserFactory(email="applicant@bench.kr")
    MembershipFactory(user=applicant, organization=organizations[0], role=Membership.Role.OWNER)
    author = UserFactory(email="author@bench.kr")
    return World(
        call=call,
        rubric=rubric,
        criteria=criteria,
        fields=fields,
        panels=panels,
        organizations=organizations,
        author=author,
        staff=staff,
        evaluator=panels[0].member_list[0],
        applicant=applicant,
    )


def add_plans(world: World, count: int) -> None:
    """Append `count` plans (with versions, assignments, submitted reviews, scores, a few conflicts)."""
    from applications import snapshot
    from applications.models import Application, PlanVersion
    from applications.workflow import State
    from reviews.models import Assignment, Conflict, Review, Score

    start = world.plan_count
    submitted_at = world.call.deadline - dt.timedelta(days=1)
    reviewed_at = world.rubric.due_at - dt.timedelta(days=1)
    plans = Application.objects.bulk_create(
        (
            Application(
                call=world.call,
                field=world.fields[i % len(world.fields)],
                organization=world.organizations[i % len(world.organizations)],
                title=f"벤치마크 특화단지 육성계획 {i:05d}",
                status=State.ADVISORY_REVIEW,
                receipt_number=f"{world.call.pk}-{world.fields[i % len(world.fields)].code}-{i:05d}",
                created_by=world.author,
                total_investment_krw=1_000_000_000 * (1 + i % 97),
            )
            for i in range(start, start + count)
        ),
        batch_size=1000,
    )
    content = {"application": {}, "sections": {}, "attachments": []}
    digest = snapshot.digest(content)
    versions = PlanVersion.objects.bulk_create(
        (
            PlanVersion(
                application=plan,
                number=1,
                content=content,
                sha256=digest,
                submitted_at=submitted_at,
                submitted_by=world.author,
            )
            for plan in plans
        ),
        batch_size=1000,
    )
    assignments, reviews, points, conflicts = [], [], [], []
    for offset, (plan, version) in enumerate(zip(plans, versions, strict=True)):
        i = start + offset
        panel = world.panels[i % len(world.panels)]
        members = panel.member_list
        base = (i // len(world.panels)) * REVIEWS_PER_PLAN
        for r in range(REVIEWS_PER_PLAN):
            reviewer = members[(base + r) % len(members)]
            assignments.append(
                Assignment(
                    panel=panel,
                    application=plan,
                    reviewer=reviewer,
                    declaration=Assignment.Declaration.NO_CONFLICT,
                    assigned_by=world.staff,
                )
            )
            row = [
                Decimal(int(c.max_points) * (50 + (i * 7 + r * 13 + k * 5) % 50)) / 100
                for k, c in enumerate(world.criteria)
            ]
            points.append(row)
            reviews.append(version)
            if (i * REVIEWS_PER_PLAN + r) % 500 == 499:
                conflicts.append(
                    Conflict(application=plan, user=reviewer, source=Conflict.Source.PINNED, reason="벤치마크")
                )
    assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)
    created = Review.objects.bulk_create(
        (
            Review(
                assignment=assignment,
                version=version,
                status=Review.Status.SUBMITTED,
                total=sum(row, Decimal(0)),
                submitted_at=reviewed_at,
                overall_opinion="종합 의견",
            )
            for assignment, version, row in zip(assignments, reviews, points, strict=True)
        ),
        batch_size=2000,
    )
    Score.objects.bulk_create(
        (
            Score(review=review, criterion=criterion, points=value, comment="검토 의견")
            for review, row in zip(created, points, strict=True)
            for criterion, value in zip(world.criteria, row, strict=True)
        ),
        batch_size=5000,
    )
    Conflict.objects.bulk_create(conflicts)
    world.plan_count += count
    from reviews import standings

    standings.rebuild(world.call)  # bulk inserts skip the services that keep the stored ranking summary


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

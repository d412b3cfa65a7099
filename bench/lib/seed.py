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
    announced: object = None  # the call of add_designations, its meeting, and how many plans it designated
    meeting: object = None
    designated: int = 0


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


DESIGNATED = 61  # the public designations page of the first measurement listed 61 complexes


def add_designations(world: World, count: int) -> None:
    """Append `count` designated plans (every fifth with conditions) to a second call whose results were
    announced yesterday, each with a site in a region, two anchor companies, a confirmed resolution of one
    committee meeting and a generated decision notice: what the public designations page lists."""
    from django.utils import timezone

    from accounts.models import Region
    from applications.models import AnchorCompany, Application, Site
    from applications.workflow import State
    from committee.models import AgendaItem, DecisionNotice, Resolution
    from tests.factories import CallFactory, make_meeting

    now = timezone.now()
    if world.announced is None:
        world.announced = CallFactory(
            slug="bench-announced", fields=world.fields, announcement_at=now - dt.timedelta(days=1)
        )
        world.meeting = make_meeting(world.announced, created_by=world.staff)
    call, meeting, start = world.announced, world.meeting, world.designated
    regions = list(Region.objects.order_by("pk"))
    plans = Application.objects.bulk_create(
        Application(
            call=call,
            field=world.fields[i % len(world.fields)],
            organization=world.organizations[i % len(world.organizations)],
            title=f"지정 특화단지 육성계획 {i:03d}",
            status=State.DESIGNATED_WITH_CONDITIONS if i % 5 == 4 else State.DESIGNATED,
            receipt_number=f"{call.pk}-{world.fields[i % len(world.fields)].code}-{i:05d}",
            created_by=world.author,
            total_investment_krw=1_000_000_000 * (1 + i % 97),
        )
        for i in range(start, start + count)
    )
    Site.objects.bulk_create(
        Site(application=plan, name=f"특화단지 부지 {i:03d}", region=regions[i % len(regions)], area_m2=1_000_000 + i)
        for i, plan in enumerate(plans, start)
    )
    AnchorCompany.objects.bulk_create(
        AnchorCompany(
            application=plan,
            name=f"앵커기업 {i:03d}-{k}",
            business_number=f"{100 + i:03d}-{10 + k:02d}-{10000 + i:05d}",
            investment_krw=500_000_000,
            period_start=2026,
            period_end=2030,
            direct_jobs=120,
            position=k,
        )
        for i, plan in enumerate(plans, start)
        for k in range(2)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, application=plan, position=i, added_by=world.staff)
        for i, plan in enumerate(plans, start)
    )
    resolutions = Resolution.objects.bulk_create(
        Resolution(
            agenda_item=item,
            decision=item.application.status,
            conditions="부지 확보 계획을 6개월 안에 제출"
            if item.application.status == State.DESIGNATED_WITH_CONDITIONS
            else "",
            reasons="앵커기업 투자 확실성과 공급망 연계가 우수함",
            votes_for=3,
            votes_against=0,
            votes_abstaining=0,
            members_present=3,
            members_total=5,
            minutes=f"committee/minutes/{meeting.pk}/bench.pdf",
            minutes_name="회의록.pdf",
            minutes_sha256="0" * 64,
            status=Resolution.Status.CONFIRMED,
            recorded_by=world.staff,
            confirmed_by=world.staff,
            confirmed_at=now - dt.timedelta(days=2),
        )
        for item in items
    )
    DecisionNotice.objects.bulk_create(
        DecisionNotice(
            resolution=resolution,
            call=call,
            sequence=i + 1,
            document_number=f"첨단산업정책과-{i + 1:04d}",
            verification_code=f"BENCH{i:013d}",
            issued_on=(now - dt.timedelta(days=2)).date(),
            recipient=resolution.agenda_item.application.organization.name_ko,
            decision=resolution.decision,
            pdf=f"committee/notices/bench-{i}.pdf",
            sha256="0" * 64,
            generated_at=now - dt.timedelta(days=2),
        )
        for i, resolution in enumerate(resolutions, start)
    )
    world.designated += count


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

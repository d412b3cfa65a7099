"""Complete draft plans, ready to submit, in bulk (the deadline surge replay, bench/surge.py).

One plan is made complete through the test factories (every section, the required files); the others are
bulk-inserted copies of it and of every row that hangs off it (site, narrative, anchor companies, attachments
pointing at the same stored files, ...), spread over `organizations` applicant organisations, each with one
owner who submits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class Drafts:
    call: object
    owners: list  # one owner per organisation, in organisation order
    plans: list  # (plan pk, owner index)


def _copy_fields(row, skip=("id",)) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skip}


def _created_chains(plans, *, at: dt.datetime) -> None:
    """Each copied plan's audit chain as `services.create_application` leaves it: its "created" event and its
    chain head. (A submit then locks the head it finds, as in production, rather than creating it.)"""
    from applications import audit
    from applications.models import AuditChainHead, AuditEvent
    from applications.models.audit import plan_chain_key

    events = []
    for plan in plans:
        event = AuditEvent(
            application_id=plan.pk,
            call_id=plan.call_id,
            actor_id=plan.created_by_id,
            action="created",
            to_status=plan.status,
            created_at=at,
            prev_hash=audit.GENESIS,
            in_plan_chain=True,
        )
        event.hash = audit._digest(event)
        events.append(event)
    events = AuditEvent.objects.bulk_create(events, batch_size=1000)
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(key=plan_chain_key(e.application_id), last_hash=e.hash, last_event=e) for e in events],
        batch_size=1000,
    )


def create(count: int, *, organizations: int = 20, deadline: dt.datetime, opens_at: dt.datetime) -> Drafts:
    from accounts.models import Membership
    from applications.models import Application, AuditEvent, PlanVersion
    from tests.factories import (
        ApplicationFactory,
        CallFactory,
        FieldFactory,
        MembershipFactory,
        OrganizationFactory,
        UserFactory,
        attach_required_files,
        complete_plan,
    )

    fields = [
        FieldFactory(code=code, name_ko=ko, name_en=en)
        for code, ko, en in (
            ("BAT", "이차전지", "Batteries"),
            ("SEM", "반도체", "Chips"),
            ("DSP", "디스플레이", "Displays"),
        )
    ]
    call = CallFactory(slug="surge-call", fields=fields, opens_at=opens_at, deadline=deadline)
    orgs = OrganizationFactory.create_batch(organizations)
    owners = []
    for position, organization in enumerate(orgs):
        user = UserFactory(email=f"owner{position}@surge.kr")
        MembershipFactory(user=user, organization=organization, role=Membership.Role.OWNER)
        owners.append(user)
    template = ApplicationFactory(call=call, field=fields[0], organization=orgs[0], created_by=owners[0])
    complete_plan(template)
    attach_required_files(template, owners[0])

    skip_models = {AuditEvent, PlanVersion}
    children = []  # (model, fk attname, [field dicts of the template's rows])
    for relation in Application._meta.related_objects:
        model = relation.related_model
        if model in skip_models or relation.many_to_many:
            continue
        rows = list(model.objects.filter(**{relation.field.name: template}))
        if rows:
            children.append((model, relation.field.attname, [_copy_fields(r) for r in rows]))

    base = _copy_fields(template, skip=("id", "receipt_number"))
    plans = Application.objects.bulk_create(
        [
            Application(
                **{
                    **base,
                    "title": f"서지 벤치 특화단지 계획 {i:05d}",
                    "field_id": fields[i % len(fields)].pk,
                    "organization_id": orgs[i % organizations].pk,
                    "created_by_id": owners[i % organizations].pk,
                }
            )
            for i in range(1, count)
        ],
        batch_size=1000,
    )
    for model, fk, rows in children:
        model.objects.bulk_create(
            [model(**{**row, fk: plan.pk}) for plan in plans for row in rows],
            batch_size=2000,
        )
    everything = [template, *plans]
    _created_chains(everything, at=opens_at)
    return Drafts(call=call, owners=owners, plans=[(p.pk, i % organizations) for i, p in enumerate(everything)])

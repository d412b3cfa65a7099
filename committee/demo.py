"""Demo data for the committee room: the secretariat, the committee's members and a meeting with every plan
the subcommittee referred (reviews' demo leaves at least one). Idempotent; does nothing without such plans."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import User
from applications.models import Application, Call
from applications.workflow import State
from core.clock import KST

from .models import Meeting

# accounts' demo creates secretariat@demo.kr and committee@demo.kr; the committee needs a few more members.
MEMBERS = [
    ("committee@demo.kr", "국가첨단전략산업위원회 위원"),
    *[(f"member{n}@committee.demo.kr", f"위원 {n}") for n in range(1, 9)],
]


def _user(email: str, name: str, role: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        from accounts.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def seed():
    secretariat = _user("secretariat@demo.kr", "위원회 사무국", roles.SECRETARIAT)
    members = [_user(email, name, roles.COMMITTEE_MEMBER) for email, name in MEMBERS]
    rows = [(members[1].email, f"committee member (and {len(members) - 2} more like it)")]
    call = Call.objects.filter(slug="2026-specialized-complex").first()
    if call is None:
        return rows
    meeting, created = Meeting.objects.get_or_create(
        call=call,
        number=7,
        defaults={
            "held_at": datetime.datetime(2026, 7, 15, 10, 0, tzinfo=KST),
            "place": "정부서울청사 국무회의실",
            "chair": members[0],
            "created_by": secretariat,
        },
    )
    if created:
        meeting.members.set(members)
        meeting.attendees.set(members[:6])
    from . import selectors, services

    for application in Application.objects.filter(call=call, status=State.COMMITTEE).order_by("pk"):
        if not selectors.open_agenda_items().filter(application=application).exists():
            services.add_to_agenda(secretariat, meeting, application, at=timezone.now())
    return rows

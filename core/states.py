"""The small state machines: a model with a `status` field declares `TRANSITIONS` (state -> the states it may
move to) and `move` is the only code that changes a saved record's status.

Used by Organization (accounts), Review (reviews), Resolution (committee) and OutboxMessage (core.outbox). A
record is created in its first state; every later change goes through `move`, inside the service's
transaction, on a row it has locked. The application's own machine, with guards, permissions and effects, is
applications/workflow.py.
"""

from django.utils.translation import gettext as _

from .errors import Refused


def allowed(model, source: str, target: str) -> bool:
    """Whether `model`'s table lets a record move from `source` to `target`."""
    return target in model.TRANSITIONS.get(source, ())


def move(record, to: str, *, refusal: type[Refused] = Refused) -> None:
    """Change `record.status` to `to`, refusing moves the table does not allow (the caller saves)."""
    if not allowed(type(record), record.status, to):
        raise refusal(
            _("This cannot change from “%(from)s” to “%(to)s”.")
            % {"from": _label(record, record.status), "to": _label(record, to)}
        )
    record.status = to


def _label(record, status: str) -> str:
    return str(dict(type(record).Status.choices).get(status, status))

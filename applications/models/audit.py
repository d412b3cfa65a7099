"""The audit trail: append-only, each event chained to the previous one of its chain by a SHA-256 hash.

Events about a plan recorded since issue 12 form that plan's own chain (`in_plan_chain`), so two plans are
audited without waiting for each other; every other event (the call's, the system's, and every event recorded
before) forms the global chain, into which the plan chains' heads are anchored (applications/audit.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "created": _("Plan created"),
    "section_saved": _("Section saved"),
    "attachment_added": _("File uploaded"),
    "attachment_removed": _("File removed"),
    "participant_added": _("Participant invited"),
    "participant_accepted": _("Participation accepted"),
    "participant_declined": _("Participation declined"),
    "submit": _("Submitted"),
    "amend": _("Amended version submitted"),
    "version_frozen": _("Version frozen"),
    "withdraw": _("Withdrawn"),
    "receive": _("Received after the deadline"),
    "screen": _("Found eligible"),
    "declare_ineligible": _("Found ineligible"),
    "deadline_changed": _("Deadline changed"),
    "announcement_scheduled": _("Announcement of the results scheduled"),
    "call_closed": _("Call closed"),
    "chains_anchored": _("Plan audit chains anchored"),
}

GLOBAL_CHAIN = "global"


class AuditChainHead(models.Model):
    """One row per chain holding the hash of its newest event; locking it serialises appends to that chain only.

    `key` is GLOBAL_CHAIN or `plan:<application id>`; `anchored_hash` is the plan chain's hash last written into
    the global chain (bookkeeping for the anchoring task: verification never trusts it)."""

    key = models.CharField(max_length=40, unique=True, default=GLOBAL_CHAIN, verbose_name=_("key"))
    last_hash = models.CharField(max_length=64, default="0" * 64, verbose_name=_("last hash"))
    last_event = models.ForeignKey(
        "AuditEvent", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("last event")
    )
    anchored_hash = models.CharField(max_length=64, blank=True, verbose_name=_("anchored hash"))

    def __str__(self):
        return self.last_hash


class AuditEvent(models.Model):
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("development plan"),
    )
    call = models.ForeignKey(
        "applications.Call",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("call for applications"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=50)
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("hash"))
    # True: the event belongs to its plan's chain (hashed, so moving it between chains breaks it); False: to the
    # global chain (every event recorded before plan chains existed, and every event without a plan).
    in_plan_chain = models.BooleanField(default=False, verbose_name=_("in the plan's chain"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["pk"]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only")

    @property
    def chain_key(self) -> str:
        return plan_chain_key(self.application_id) if self.in_plan_chain else GLOBAL_CHAIN

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def from_status_label(self) -> str:
        """The state the plan left, as people call it (never the stored code)."""
        return state_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return state_label(self.to_status)

    @property
    def section_title(self) -> str:
        """The plan section the event concerns (a saved section), by its title; "" for none."""
        from ..sections import SECTIONS_BY_KEY  # sections build forms of these models: imported when used

        key = (self.data or {}).get("section") or ""
        section = SECTIONS_BY_KEY.get(key)
        return str(section.title) if section else key


def state_label(code: str) -> str:
    """An application state's label in the active language (workflow.State owns the labels); "" for none."""
    from ..workflow import State

    if not code:
        return ""
    try:
        return str(State(code).label)
    except ValueError:
        return code


def plan_chain_key(application_id) -> str:
    return f"plan:{application_id}"

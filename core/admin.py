from django.contrib import admin

from .models import ExportJob, OutboxMessage
from .outbox import redact


class BoundedInlineMixin:
    """An admin inline whose forged TOTAL_FORMS cannot make the server build more than `max_num` forms.

    Django bounds an inline at max_num + 1000 forms unless told otherwise; the admin offers no attribute for it.
    """

    max_num = 100

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        kwargs.setdefault("validate_max", True)
        return super().get_formset(request, obj, **kwargs)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "reference"]
    # Bodies and references may hold a password-reset link: the admin shows them with the token hidden.
    exclude = ["body", "reference"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name not in ("body", "reference")] + [
        "shown_reference",
        "shown_body",
    ]

    @admin.display(description="reference")
    def shown_reference(self, obj):
        return redact(obj.reference)

    @admin.display(description="body")
    def shown_body(self, obj):
        return redact(obj.body)

    @admin.display(description="to")
    def recipients(self, obj):
        return ", ".join(obj.to)

    def has_add_permission(self, request):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: who asked for which export, how far it got and why it failed. The files are served to
    their owners only (core.views.export_download), not from here."""

    list_display = ["filename", "owner", "builder", "status", "rows_done", "rows_total", "attempts", "created_at"]
    list_filter = ["status", "builder"]
    search_fields = ["filename", "owner__email"]
    exclude = ["file"]
    readonly_fields = [f.name for f in ExportJob._meta.fields if f.name != "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

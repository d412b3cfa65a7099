"""Read-mostly admin: resolutions and notices change only through the services (audited), never here."""

from django.contrib import admin

from .models import AgendaItem, DecisionNotice, Meeting, Resolution


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["number", "call", "held_at", "place"]
    list_filter = ["call"]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "position", "application"]
    list_select_related = ["meeting", "application"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ["agenda_item", "decision", "status", "votes_for", "votes_against", "votes_abstaining"]
    list_filter = ["status", "decision"]
    list_select_related = ["agenda_item__meeting", "agenda_item__application"]


@admin.register(DecisionNotice)
class DecisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "recipient", "decision", "issued_on", "language", "generated_at"]
    search_fields = ["document_number", "recipient"]
    exclude = ["verification_code"]

from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "reference"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    @admin.display(description="to")
    def recipients(self, obj):
        return ", ".join(obj.to)

    def has_add_permission(self, request):
        return False

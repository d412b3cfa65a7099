"""Configuration by ministry staff: calls, fields, existing complexes, guideline documents, briefing sessions.
Plans, versions and the audit trail are shown read-only: they change only through the services."""

import hashlib

from django.contrib import admin

from core.admin import BoundedInlineMixin

from .models import (
    Application,
    AuditEvent,
    BriefingSession,
    Call,
    CallDocument,
    DeadlineExtension,
    ExistingComplex,
    Field,
    PlanVersion,
    Question,
)
from .uploads import safe_display_name


class CallDocumentInline(BoundedInlineMixin, admin.TabularInline):
    model = CallDocument
    extra = 0
    fields = ["title", "file", "sort_order", "original_name", "size", "sha256"]
    readonly_fields = ["original_name", "size", "sha256"]


class BriefingSessionInline(BoundedInlineMixin, admin.StackedInline):
    model = BriefingSession
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title_ko", "receipt_prefix", "opens_at", "deadline", "announcement_at", "published", "closed_at"]
    list_filter = ["published"]
    search_fields = ["title_ko", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["fields"]
    inlines = [CallDocumentInline, BriefingSessionInline]

    def get_readonly_fields(self, request, obj=None):
        # A published call's deadline moves only through the audited extension page (all applicants told);
        # the receipt prefix is fixed once a receipt was issued with it.
        readonly = []
        if obj and obj.published:
            readonly.append("deadline")
        if obj and obj.applications.exclude(receipt_number=None).exists():
            readonly.append("receipt_prefix")
        return readonly

    def save_formset(self, request, form, formset, change):
        for document in formset.save(commit=False):
            if isinstance(document, CallDocument) and document.file and not document.sha256:
                digest = hashlib.sha256()
                for chunk in document.file.chunks():
                    digest.update(chunk)
                document.sha256 = digest.hexdigest()
                document.size = document.file.size
                document.original_name = safe_display_name(document.file.name)
            document.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "name_en", "links_existing_complex", "sort_order"]


@admin.register(ExistingComplex)
class ExistingComplexAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "field", "sort_order"]
    list_filter = ["field"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "title", "organization", "field", "call", "status", "submitted_at"]
    list_filter = ["status", "call", "field"]
    search_fields = ["title", "receipt_number", "organization__name_ko"]
    list_select_related = ["organization", "field", "call"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "submitted_at", "sha256"]
    list_select_related = ["application"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "action", "application", "actor", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["application", "actor"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    list_display = ["call", "previous_deadline", "new_deadline", "actor", "created_at"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["subject", "call", "organization", "created_at", "answered_at", "faq_published"]
    list_filter = ["faq_published", "call"]

"""Configuration by ministry staff: rubrics and their criteria, evaluator profiles, panels, conflicts.

A rubric is read-only from the first score entered against it; the criteria's maxima must total exactly 100.
Assignments, reviews and scores change only through the services (the staff pages), never here.
"""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import BoundedInlineMixin

from . import standings
from .models import Assignment, Conflict, Criterion, ExpertProfile, Panel, Rubric
from .models.rubrics import RUBRIC_TOTAL


class CriterionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = Decimal(0)
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            total += form.cleaned_data.get("max_points") or Decimal(0)
        if total != RUBRIC_TOTAL:
            raise ValidationError(
                _("The maximum points of the criteria must total exactly 100 (now %(total)s).")
                % {"total": format(total.normalize(), "f")}
            )


class CriterionInline(BoundedInlineMixin, admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = ["position", "title_ko", "title_en", "max_points", "comment_required", "guidance_ko", "guidance_en"]
    ordering = ["position", "pk"]

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["call", "stage", "due_at", "ranking_rule", "trim_min_reviews", "disagreement_threshold", "locked"]
    list_filter = ["stage", "call"]
    inlines = [CriterionInline]

    @admin.display(boolean=True, description=gettext_lazy("locked"))
    def locked(self, obj):
        return obj.is_locked

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_locked and request.method == "GET":
            messages.warning(request, _("Scores have been entered against this rubric; it can no longer be changed."))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "affiliation", "position", "region"]
    list_filter = ["region", "fields"]
    search_fields = ["user__full_name", "user__email", "affiliation__name_ko", "affiliation__name_en"]
    autocomplete_fields = ["user", "affiliation"]
    filter_horizontal = ["fields"]
    list_select_related = ["user", "affiliation", "region"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "call", "field", "stage", "reviewers_per_plan"]
    list_filter = ["call", "stage", "field"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["created_by", "created_at"]
    filter_horizontal = ["members"]
    list_select_related = ["call", "field"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        # A panel moved to another call, field or stage moves its plans in the stored rankings.
        standings.refresh(obj.assignments.values_list("application_id", flat=True))

    def delete_model(self, request, obj):
        plans = list(obj.assignments.values_list("application_id", flat=True))
        super().delete_model(request, obj)
        standings.refresh(plans)  # its assignments went with it

    def delete_queryset(self, request, queryset):
        plans = list(Assignment.objects.filter(panel__in=queryset).values_list("application_id", flat=True))
        super().delete_queryset(request, queryset)
        standings.refresh(plans)


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """Shown read-only: staff record conflicts on the panel's conflict page, which audits them."""

    list_display = ["application", "user", "source", "reason", "recorded_by", "created_at"]
    list_filter = ["source"]
    search_fields = ["user__full_name", "user__email", "application__title", "application__receipt_number"]
    list_select_related = ["application", "user", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

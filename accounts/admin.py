from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import BoundedInlineMixin

from .models import Membership, Organization, Region, User


class MembershipInline(BoundedInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "role_list", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "phone")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(group.name for group in obj.groups.all())


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "kind", "code", "valid_from", "valid_to", "successor"]
    list_filter = ["kind"]
    search_fields = ["name_ko", "name_en", "code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "kind", "business_number", "region", "status", "created_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name_ko", "name_en", "business_number"]
    readonly_fields = ["decided_by", "decided_at", "created_at"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # An organisation is created in any state here (setting up); afterwards staff decide in the approval
        # queue (accounts.services), which moves the state along Organization.TRANSITIONS and e-mails the owners.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "status", "status_reason"] if obj is not None else fields


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organization__name_ko"]
    autocomplete_fields = ["user", "organization"]

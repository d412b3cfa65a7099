"""Shared by the applications views: loading a plan the user may see."""

from core.permissions import get_permitted_object_or_404

from ..models import Application


def load_application(request, pk, perm=None):
    """The plan from the queryset the user's lists use (404 if not in it), then the action `perm` on it."""
    queryset = Application.objects.visible_to(request.user).select_related(
        "call", "field", "organization", "organization__region"
    )
    return get_permitted_object_or_404(request.user, perm, queryset, pk=pk)

"""Shared by the applications views: loading a plan the user may see."""

from django.core.exceptions import PermissionDenied

from core.compiled import CompiledQuery
from core.permissions import get_permitted_object_or_404

from ..models import Application


def load_application(request, pk, perm=None):
    """The plan from the queryset the user's lists use (404 if not in it), then the action `perm` on it."""
    queryset = Application.objects.visible_to(request.user).select_related(
        "call", "field", "organization", "organization__region"
    )
    return get_permitted_object_or_404(request.user, perm, queryset, pk=pk)


# Compiled once per connection: the submit's first read at a deadline surge (issue 12).
_PLAN_WITH_CALL = CompiledQuery(lambda pk: Application.objects.select_related("call").filter(pk=pk))


def load_for_editing(request, pk):
    """The plan for an action only its editors take, read with its call alone, the edit rule asked first (the
    submit at a deadline surge, issue 12). An editor of the plan's organisation always sees the plan (visible_to
    lists their organisations' plans), so the visibility query is asked only to refuse: 404 where
    load_application gives 404, 403 where the plan is visible but not the user's to edit."""
    application = _PLAN_WITH_CALL.first(pk)
    if application is not None and request.user.has_perm("applications.edit_application", application):
        return application
    load_application(request, pk)  # 404 unless the user sees the plan
    raise PermissionDenied

"""Authorisation helpers shared by every room's views.

An object the user may not see is reported as nonexistent (404), so its existence does not leak;
a page the user's role does not open is 403; an anonymous visitor is sent to log in.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404


def get_permitted_object_or_404(user, perm: str | None, visible, **lookup):
    """Load an object from `visible`, the queryset of what `user` may see (the list's own `visible_to(user)`,
    so a list and its detail page cannot disagree, and a superuser is bound by conflicts like anyone), then
    check the action `perm` on it, if any. Either failing is 404."""
    obj = get_object_or_404(visible, **lookup)
    if perm is not None and not user.has_perm(perm, obj):
        raise Http404
    return obj


def role_required(perm: str):
    """Decorate a view that only some roles may open (no object involved)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

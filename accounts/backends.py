"""Django's model backend, minus the permissions our rules own, loading a signed-in user with their roles.

Every `app.action` permission registered with django-rules is answered by the rules backend alone; without
this, a rule that says "no" falls through to the model backend, which then queries the permission tables
for an answer it can never give (and adds queries to every page whose menu asks).

Every signed-in request needs the user's roles (the idle timeout depends on them, the menu shows by them):
on PostgreSQL they come with the user in one statement instead of a second one (issue 12). They are read
fresh on every request, as before: a role taken away applies from the next request.
"""

import rules
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.db.models import Q


class ModelPermissionBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

    def get_user(self, user_id):
        from .models import User

        if connections[User.objects.db].vendor != "postgresql":
            return super().get_user(user_id)
        from django.contrib.postgres.aggregates import ArrayAgg

        role_names = ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=[])
        try:
            user = User._default_manager.annotate(portal_role_names=role_names).get(pk=user_id)
        except User.DoesNotExist:
            return None
        user._role_cache = set(user.portal_role_names)
        del user.portal_role_names
        return user if self.user_can_authenticate(user) else None

"""Django's model backend, minus the permissions our rules own.

Every `app.action` permission registered with django-rules is answered by the rules backend alone; without
this, a rule that says "no" falls through to the model backend, which then queries the permission tables
for an answer it can never give (and adds queries to every page whose menu asks).
"""

import rules
from django.contrib.auth.backends import ModelBackend


class ModelPermissionBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

"""Model methods of the applications room that stand in for Django's."""

import pytest


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_plan_s_status_label_is_django_s(language):
    """Application.get_status_display is Django's, computed more cheaply (issue 12): the same text for every
    state in both languages, and an unknown value given back as it is."""
    from django.db import models as django_models
    from django.utils import translation

    from applications.models import Application
    from applications.workflow import State

    field = Application._meta.get_field("status")
    with translation.override(language):
        for value in [*State.values, "no-such-state"]:
            plan = Application(status=value)
            assert plan.get_status_display() == django_models.Model._get_FIELD_display(plan, field)

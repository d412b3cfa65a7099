"""Every field of the portal's models has a translated label: the admin (and any model form) shows it, and a
label left to Django is the field's name in English on a Korean page ("Created at", "Updated by")."""

import re

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

PORTAL_APPS = ("accounts", "applications", "reviews", "committee", "core")
HANGUL = re.compile("[\uac00-\ud7a3]")
SAME_IN_BOTH = {"PDF", "SHA-256", "Message-ID"}  # names read the same in Korean


def _labels():
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and not field.auto_created:
                yield f"{model._meta.label}.{field.name}", field.verbose_name


def test_every_field_has_a_label_marked_for_translation():
    untranslated = [name for name, label in _labels() if not isinstance(label, Promise)]
    assert not untranslated, untranslated


def test_every_label_reads_in_korean():
    with translation.override("ko"):
        labels = [(name, str(label)) for name, label in _labels()]
    english = [f"{name}: {label}" for name, label in labels if not HANGUL.search(label) and label not in SAME_IN_BOTH]
    assert not english, english

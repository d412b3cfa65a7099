"""English pages show the English name of what has one (issue 14): templates print a record's name through its
model (`name`, `title`, `place`, `display_name`: the active language, Korean when there is no English), never
the Korean field itself, except where both names are shown side by side, marked with their language, and
frozen summaries (plain dicts) that choose the English name first."""

import pathlib
import re

import pytest
from django.utils import translation

from tests.factories import CallFactory, FieldFactory, make_panel

ROOT = pathlib.Path(__file__).resolve().parents[2]
KOREAN_FIELD = re.compile(r"\{\{[^}]*\b\w+\.(name_ko|title_ko|place_ko|notes_ko)\b[^}]*\}\}|with \w+=[\w.]+_ko\b")
SIDE_BY_SIDE = re.compile(r'<span lang="ko">\{\{ [\w.]+\.name_ko \}\}</span>')


def test_web_templates_print_names_in_the_active_language():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates")
        if relative.parts[0] in ("pdf", "notices") or "pdf" in relative.parts:
            continue  # official documents choose their language explicitly
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if 'LANGUAGE_CODE == "en" and' in line:
                continue  # a frozen dict (no model to ask) holding both names: the English one is chosen first
            for match in KOREAN_FIELD.finditer(SIDE_BY_SIDE.sub("", line)):
                offenders.append(f"{relative}:{number}: {match.group()}")
    assert offenders == []


@pytest.mark.django_db
def test_a_panel_is_called_by_its_field_and_stage_in_english():
    call = CallFactory(fields=[FieldFactory(code="BAT", name_en="Secondary-battery basic raw materials")])
    panel = make_panel(call, members=[])
    with translation.override("en"):
        assert panel.display_name == "Secondary-battery basic raw materials: Expert advisory review"
    with translation.override("ko"):
        assert panel.display_name == panel.name


@pytest.mark.django_db
def test_a_panel_with_an_english_name_is_called_by_it_in_english():
    call = CallFactory(fields=[FieldFactory(code="BAT", name_en="Secondary-battery basic raw materials")])
    panel = make_panel(call, members=[])
    panel.name_en = "Battery expert advisory panel"
    with translation.override("en"):
        assert panel.display_name == "Battery expert advisory panel"
    with translation.override("ko"):
        assert panel.display_name == panel.name

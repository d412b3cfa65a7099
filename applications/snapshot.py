"""Freeze a plan into plain JSON (a PlanVersion's content) and describe the differences between two."""

import copy
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.numbers import grouped

from .models import Application
from .sections import SECTIONS, loaded_rows, read_rows

ROW_FIELDS = {
    "anchors": (
        "anchor_companies",
        ["name", "business_number", "investment_krw", "period_start", "period_end", "direct_jobs"],
    ),
    "infrastructure": ("infrastructure_needs", ["kind", "description", "amount_krw", "state_share_krw"]),
}


def _value(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if field.is_relation:
        return str(value) if value is not None else None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if getattr(field, "choices", None):
        return getattr(instance, f"get_{name}_display")() if value else ""
    return value


def load(application: Application) -> Application:
    """The plan afresh with the related rows `serialize` reads, in one query (what a submission freezes)."""
    return Application.objects.select_related(
        "call", "field", "organization", "site", "narrative", "site__region", "site__linked_complex"
    ).get(pk=application.pk)


def serialize(application: Application) -> dict:
    """The plan as plain JSON, always in Korean (the official record), whatever language the person who
    submits it reads: the same plan gives the same content and digest for everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        return _serialize(application)


def _serialize(application: Application) -> dict:
    content = {
        "application": {
            "receipt_number": application.receipt_number,
            "call": application.call.title_ko,
            "field": application.field.name_ko,
            "organization": application.organization.name_ko,
            "organization_business_number": application.organization.business_number,
            "total_investment_krw": application.total_investment_krw,
            "total_direct_jobs": application.total_direct_jobs,
        },
        "sections": {},
    }
    # The rows the completeness check read under the plan's lock (a submission), else read now.
    rows = loaded_rows(application) or read_rows(application)
    for section in SECTIONS:
        if section.key in ROW_FIELDS:
            related, names = ROW_FIELDS[section.key]
            content["sections"][section.key] = [
                {name: _value(row, name) for name in names} for row in getattr(rows, related)
            ]
            continue
        # What the section's form holds, read without building the form.
        instance = section.build.instance(application)
        content["sections"][section.key] = {
            name: _value(instance, name) for name in section.build.field_names(application) if name != "revision"
        }
    content["attachments"] = [
        {"kind": a.kind, "name": a.original_name, "size": a.size, "sha256": a.sha256, "type": a.content_type}
        for a in rows.attachments
    ]
    return content


def with_receipt_number(content: dict, receipt_number: str) -> dict:
    """`content` as `serialize` gives it once the plan has `receipt_number` (a first submission numbers the plan
    after reading its content: applications.services._freeze)."""
    return {**content, "application": {**content["application"], "receipt_number": receipt_number}}


def digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def diff(old: dict, new: dict) -> list[dict]:
    """Readable differences: one row per changed field, row or attachment."""
    labels = {s.key: str(s.title) for s in SECTIONS}
    rows = []
    for key, title in labels.items():
        before, after = old.get("sections", {}).get(key), new.get("sections", {}).get(key)
        if before == after:
            continue
        if isinstance(after, list) or isinstance(before, list):
            before, after = before or [], after or []
            for index in range(max(len(before), len(after))):
                b = before[index] if index < len(before) else None
                a = after[index] if index < len(after) else None
                if a != b:
                    rows.append(
                        {
                            "section": title,
                            "field": _("Row %(n)s") % {"n": index + 1},
                            "old": _row_text(b),
                            "new": _row_text(a),
                        }
                    )
            continue
        for name in sorted(set(before or {}) | set(after or {})):
            b, a = (before or {}).get(name), (after or {}).get(name)
            if a != b:
                field = _model_field(name)
                rows.append({"section": title, "field": _label(name), "old": _shown(field, b), "new": _shown(field, a)})
    old_files = {(f["kind"], f["sha256"]): f for f in old.get("attachments", [])}
    new_files = {(f["kind"], f["sha256"]): f for f in new.get("attachments", [])}
    for key in old_files.keys() - new_files.keys():
        rows.append({"section": _("Attachments"), "field": old_files[key]["name"], "old": key[1][:12], "new": None})
    for key in new_files.keys() - old_files.keys():
        rows.append({"section": _("Attachments"), "field": new_files[key]["name"], "old": None, "new": key[1][:12]})
    return rows


def _row_text(row):
    if row is None:
        return None
    return " · ".join(str(v) for v in row.values() if v not in (None, ""))


def _model_field(name: str, models=None):
    """The model field a snapshot key of a section comes from (Application, Site, PlanNarrative), or None."""
    from .models import PlanNarrative, Site

    for model in models or (Application, Site, PlanNarrative):
        try:
            return model._meta.get_field(name)
        except Exception:  # noqa: BLE001,S112 - not a field of this model, try the next
            continue
    return None


def _label(name: str) -> str:
    field = _model_field(name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _is_number(name: str) -> bool:
    from django.db import models as db_models

    return isinstance(_model_field(name), db_models.DecimalField | db_models.IntegerField | db_models.FloatField)


def _shown(field, value):
    """A value the snapshot holds in Korean because plans are frozen in Korean (a choice's label, a related
    record's name), in the active language where there is a name in it; anything else as it was stored."""
    if field is None or value in (None, "") or not isinstance(value, str):
        return value
    if getattr(field, "choices", None):
        with translation.override(settings.LANGUAGE_CODE):
            codes = {str(label): code for code, label in field.flatchoices}
        return str(dict(field.flatchoices)[codes[value]]) if value in codes else value
    related = field.related_model if field.is_relation else None
    if related is not None and hasattr(related, "name_ko"):
        record = related.objects.filter(name_ko=value).first()  # a region or an existing complex: its `name`
        return record.name if record is not None else value
    return value


def localised(content: dict, application: Application) -> dict:
    """A frozen version's content to show in the active language: the organisation's, field's and call's
    names, the choices and the related records' names are stored in Korean (serialize); each is shown by its
    model's own name in the active language where it has one. What people wrote stays as they wrote it.
    The stored content (and its digest) is never changed."""
    if translation.get_language() == settings.LANGUAGE_CODE or not content:
        return content
    shown = copy.deepcopy(content)
    facts = shown.get("application", {})
    for key, record, korean in (
        ("organization", application.organization, application.organization.name_ko),
        ("field", application.field, application.field.name_ko),
    ):
        if facts.get(key) == korean:
            facts[key] = record.name
    if facts.get("call") == application.call.title_ko:
        facts["call"] = application.call.title
    for key, values in shown.get("sections", {}).items():
        if key not in ROW_FIELDS and isinstance(values, dict):
            for name, value in values.items():
                values[name] = _shown(_model_field(name), value)
    for key, (related, names) in ROW_FIELDS.items():
        model = Application._meta.get_field(related).related_model
        for row in shown.get("sections", {}).get(key) or []:
            for name in names:
                if name in row:
                    row[name] = _shown(_model_field(name, (model,)), row[name])
    return shown


def readable(content: dict) -> list[tuple[str, str, list[tuple[str, object]]]]:
    """The field sections of a content snapshot as (key, title, [(label, value)]) for display; numbers are
    written for people (the snapshot stores "1250000.00")."""
    rows = []
    for section in SECTIONS:
        values = content.get("sections", {}).get(section.key)
        if section.key in ("overview", *ROW_FIELDS) or not isinstance(values, dict):
            continue
        shown = [
            (_label(n), grouped(v) if v not in (None, "") and _is_number(n) else _shown(_model_field(n), v))
            for n, v in values.items()
        ]
        rows.append((section.key, str(section.title), shown))
    return rows

"""The sections of a development plan: what each holds, its form, and what is still missing in it.

Each section is saved on its own (with its own revision counter), and says in words what it lacks as soon
as it is saved, so nobody discovers an incomplete section at the deadline.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import korean
from core.compiled import CompiledQuery

from . import forms
from .models import AnchorCompany, Application, Attachment, InfrastructureNeed, PlanNarrative, Site


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    build: Callable  # (application, data=None) -> bound or unbound form / formset
    missing: Callable  # (application) -> list of messages
    formset: bool = False


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(instance, names, messages):
    return [str(messages[name]) for name in names if _blank(getattr(instance, name, None))]


def _site(application) -> Site:
    return getattr(application, "site", None) or Site(application=application)


def _narrative(application) -> PlanNarrative:
    return getattr(application, "narrative", None) or PlanNarrative(application=application)


def _overview_missing(application):
    return _missing_fields(
        application,
        ["title", "summary"],
        {
            "title": _("Give the plan a title."),
            "summary": _("Write a short summary of the plan."),
        },
    )


def _site_missing(application):
    site = _site(application)
    names = ["name", "region", "city_county", "area_m2", "complex_type"]
    messages = {
        "name": _("Name the site."),
        "region": _("Choose the site's region."),
        "city_county": _("Give the city, county or district of the site."),
        "area_m2": _("Give the site's area in m²."),
        "complex_type": _("Say whether the complex is new or existing."),
        "linked_complex": _("Choose the existing battery complex the plan links to."),
        "value_chain_stage": _("Choose the value-chain stage the plan covers."),
    }
    if application.field.links_existing_complex:
        names += ["linked_complex", "value_chain_stage"]
    return _missing_fields(site, names, messages)


@dataclass(frozen=True)
class PlanRows:
    """The rows of a plan that the completeness check and the snapshot both read, each set read once."""

    anchor_companies: list
    infrastructure_needs: list
    attachments: list  # the current ones (not removed), by kind and upload time


# The rows of one plan, in the order the snapshot lists them. The rows' own ordering starts with their plan's (a
# join to the plans' table); all are this plan's, so position and pk give the same order without it. Compiled
# once per connection: every submission reads them (issue 12).
ROW_QUERIES = {
    "anchor_companies": CompiledQuery(
        lambda pk: AnchorCompany.objects.filter(application_id=pk).order_by("position", "pk")
    ),
    "infrastructure_needs": CompiledQuery(
        lambda pk: InfrastructureNeed.objects.filter(application_id=pk).order_by("position", "pk")
    ),
    "attachments": CompiledQuery(
        lambda pk: Attachment.objects.filter(application_id=pk, removed_at__isnull=True).order_by("kind", "uploaded_at")
    ),
}


def read_rows(application: Application) -> PlanRows:
    """The plan's rows as they are now (three queries), each row's plan the given instance (as its related
    manager would have set it)."""
    rows = {}
    for name, query in ROW_QUERIES.items():
        rows[name] = query.all(application.pk)
        for row in rows[name]:
            row.application = application
    return PlanRows(**rows)


def load_rows(application: Application) -> PlanRows:
    """Read the plan's rows once and keep them on this instance: the completeness check and the snapshot then
    use them instead of asking again. Only for an instance whose rows can no longer change while it is used:
    a submission's, read under the plan's lock (a section save or an upload takes that lock first)."""
    rows = loaded_rows(application)
    if rows is None:
        rows = application._plan_rows = read_rows(application)
    return rows


def loaded_rows(application: Application) -> PlanRows | None:
    """The rows `load_rows` kept on this instance, or None (then each reader asks the database itself)."""
    return getattr(application, "_plan_rows", None)


def _anchors_missing(application):
    rows = loaded_rows(application)
    if not (rows.anchor_companies if rows else application.anchor_companies.exists()):
        return [str(_("Name at least one anchor company with its planned investment."))]
    return []


def _infrastructure_missing(application):
    rows = loaded_rows(application)
    if not (rows.infrastructure_needs if rows else application.infrastructure_needs.exists()):
        return [str(_("List at least one infrastructure need (power, water, roads...) with its cost."))]
    return []


def _narrative_missing(names, messages):
    def check(application):
        return _missing_fields(_narrative(application), names, messages)

    return check


def _local_support_missing(application):
    narrative = _narrative(application)
    if all(_blank(getattr(narrative, n)) for n in ("local_land", "local_tax", "local_permits", "local_budget_krw")):
        return [str(_("Describe at least one form of local government support (land, tax, permits or budget)."))]
    return []


def _no_requirement(application):
    return []


@dataclass(frozen=True)
class _ModelFormBuilder:
    """Builds a section's form; also says, without building it, which instance and fields the form holds (the
    snapshot reads those: building ten forms per submission cost more than the rest of the snapshot)."""

    form_class: type
    instance: Callable  # (application) -> the model instance the form edits
    with_application: bool = False

    def __call__(self, application, data=None):
        extra = {"application": application} if self.with_application else {}
        return self.form_class(data, instance=self.instance(application), **extra)

    def field_names(self, application) -> list[str]:
        """The names of the built form's fields, in its order: the class's fields less those its __init__ drops
        for this plan (`absent_fields`)."""
        absent = getattr(self.form_class, "absent_fields", None)
        dropped = absent(application) if absent else ()
        return [name for name in self.form_class.base_fields if name not in dropped]


def _model_form(form_class, instance_getter, *, application=False):
    return _ModelFormBuilder(form_class, instance_getter, with_application=application)


def _formset(formset_class, prefix):
    def build(application, data=None):
        return formset_class(data, instance=application, prefix=prefix)

    return build


EcosystemForm = forms.narrative_form(["participating_firms", "supplier_firms", "key_products", "ecosystem"])
WorkforceForm = forms.narrative_form(["training_programs", "people_trained", "universities"])
RndForm = forms.narrative_form(["rnd_scope", "rnd_targets"])
LocalSupportForm = forms.narrative_form(["local_land", "local_tax", "local_permits", "local_budget_krw"])
RegulatoryForm = forms.narrative_form(["regulatory_relief"])
EffectsForm = forms.narrative_form(["indirect_jobs", "regional_balance", "expected_effects"])

SECTIONS: list[Section] = [
    Section(
        "overview",
        _("Overview"),
        _("The plan's title and a short summary reviewers read first."),
        _model_form(forms.OverviewForm, lambda a: a),
        _overview_missing,
    ),
    Section(
        "site",
        _("Site"),
        _("Where the complex is, how large, and whether it is new or existing."),
        _model_form(forms.SiteForm, _site, application=True),
        _site_missing,
    ),
    Section(
        "anchors",
        _("Anchor companies"),
        _("Companies committing investment. Totals of investment and jobs are computed from these rows."),
        _formset(forms.AnchorCompanyFormSet, "anchors"),
        _anchors_missing,
        formset=True,
    ),
    Section(
        "ecosystem",
        _("Ecosystem"),
        _("Participating firms and the supplier-customer ecosystem."),
        _model_form(EcosystemForm, _narrative),
        _narrative_missing(
            ["participating_firms", "ecosystem"],
            {
                "participating_firms": _("Give the number of participating firms."),
                "ecosystem": _("Describe the supplier-customer ecosystem."),
            },
        ),
    ),
    Section(
        "infrastructure",
        _("Infrastructure"),
        _("Power, industrial water, wastewater, roads and shared R&D equipment, with costs and the state's share."),
        _formset(forms.InfrastructureFormSet, "infrastructure"),
        _infrastructure_missing,
        formset=True,
    ),
    Section(
        "workforce",
        _("Workforce"),
        _("Training programs, people trained and the universities involved."),
        _model_form(WorkforceForm, _narrative),
        _narrative_missing(
            ["training_programs", "people_trained"],
            {
                "training_programs": _("Describe the training programs."),
                "people_trained": _("Give the number of people to be trained."),
            },
        ),
    ),
    Section(
        "rnd",
        _("R&D and technology"),
        _("The technology scope and technical targets."),
        _model_form(RndForm, _narrative),
        _narrative_missing(["rnd_scope"], {"rnd_scope": _("Describe the R&D and technology scope.")}),
    ),
    Section(
        "local_support",
        _("Local government support"),
        _("Land, tax, permits and budget the region provides."),
        _model_form(LocalSupportForm, _narrative),
        _local_support_missing,
    ),
    Section(
        "regulatory",
        _("Regulatory relief"),
        _("Regulatory relief requested (optional)."),
        _model_form(RegulatoryForm, _narrative),
        _no_requirement,
    ),
    Section(
        "effects",
        _("Expected effects"),
        _("Jobs, regional balance and other effects."),
        _model_form(EffectsForm, _narrative),
        _narrative_missing(
            ["regional_balance"],
            {
                "regional_balance": _("Describe the contribution to balanced regional development."),
            },
        ),
    ),
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def attachments_missing(application) -> list[str]:
    rows = loaded_rows(application)
    if rows is not None:
        present = {attachment.kind for attachment in rows.attachments}
    else:
        present = set(application.attachments.filter(removed_at__isnull=True).values_list("kind", flat=True))
    labels = dict(Attachment.Kind.choices)
    return [
        korean.resolve(str(_("Upload the %(kind)s.") % {"kind": labels[kind]}))  # 을(를) by the kind's last sound
        for kind in Attachment.REQUIRED_KINDS
        if kind not in present
    ]


def completeness(application: Application) -> list[tuple[str, str, list[str]]]:
    """Per section (key, title, missing messages), attachments last."""
    rows = [(s.key, str(s.title), s.missing(application)) for s in SECTIONS]
    rows.append(("attachments", str(_("Attachments")), attachments_missing(application)))
    return rows


def missing_items(application: Application) -> list[str]:
    return [message for _key, _title, messages in completeness(application) for message in messages]
